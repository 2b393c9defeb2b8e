import Protocol

/// Turns the running counts clients report in CHANNEL_REPORT (transmissions carried out at the
/// scheduled power over the true channel, and outages among them) into per-role increments for
/// the daemon's metrics: scheduled against achieved, measured where the transmission happens.
///
/// Counts are per session; a count lower than the last one seen (a client that started over)
/// counts from zero again, and outages never exceed transmissions, so a client cannot make the
/// totals run backwards or past what it sent.
struct LinkOutcomeLedger: Sendable {
    /// Transmissions and outages of one role in one step.
    struct Tally: Sendable, Equatable {
        var transmissions: UInt64 = 0
        var outages: UInt64 = 0
    }

    /// A client's running counts as last reported.
    private struct Counts {
        var transmissions: UInt32 = 0
        var outages: UInt32 = 0
    }

    private var seen: [UInt64: Counts] = [:]

    /// What the snapshot's reports add since the last call, per role; sessions gone are forgotten.
    mutating func observe(_ snapshot: SlotSnapshot) -> [SessionRole: Tally] {
        var tallies: [SessionRole: Tally] = [:]
        var next: [UInt64: Counts] = [:]
        for client in snapshot.clients {
            guard let report = client.channel else { continue }
            let now = Counts(transmissions: report.transmissions, outages: min(report.outages, report.transmissions))
            next[client.sessionID] = now
            var before = seen[client.sessionID] ?? Counts()
            if before.transmissions > now.transmissions || before.outages > now.outages { before = Counts() }
            tallies[client.role, default: Tally()].transmissions += UInt64(now.transmissions - before.transmissions)
            tallies[client.role, default: Tally()].outages += UInt64(now.outages - before.outages)
        }
        seen = next
        return tallies
    }
}
