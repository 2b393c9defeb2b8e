import Protocol

/// The inputs of one slot as plain values: who is connected and what each client last told the
/// server. Policies plan from this alone, so they can be driven in process without sockets,
/// sessions or clocks.
struct SlotSnapshot: Sendable {
    /// One client as the slot sees it.
    struct Client: Sendable {
        /// The session id (WELCOME's), the key of everything a policy remembers per client.
        var sessionID: UInt64
        var clientID: String
        /// The emulated link's index (WELCOME's link id).
        var linkID: UInt32
        var role: SessionRole
        /// The latest POSE (pose plus plan), nil before the first.
        var pose: PoseReport?
        /// The latest IMAGE upload.
        var image: CapturedImage?
        /// The latest CHANNEL_REPORT.
        var channel: ChannelReport?
    }

    /// The slot index, counted from the loop's start.
    var slot: UInt64
    var clients: [Client]

    /// The clients of `role`, in snapshot order.
    func clients(_ role: SessionRole) -> [Client] { clients.filter { $0.role == role } }

    /// The clients of `role` that have sent a POSE, with it.
    func posed(_ role: SessionRole) -> [(client: Client, report: PoseReport)] {
        clients.compactMap { client in
            guard client.role == role, let report = client.pose else { return nil }
            return (client, report)
        }
    }
}

extension SlotSnapshot {
    /// The snapshot of `sessions` at `slot` (each session's state read once, under its lock).
    init(slot: UInt64, sessions: [Session]) {
        self.slot = slot
        clients = sessions.map { session in
            let state = session.snapshot
            var client = Client(sessionID: session.id, clientID: session.clientID, linkID: session.linkID, role: session.role)
            if case .pose(let report)? = state.latest[.pose] { client.pose = report }
            if case .image(let image)? = state.latest[.image] { client.image = image }
            if case .channelReport(let report)? = state.latest[.channelReport] { client.channel = report }
            return client
        }
    }
}

extension PoseReport {
    /// The poses of slots `slot, slot+1, …` from this report of slot `self.slot` (its pose, then
    /// its plan), at most `limit`; a report from an earlier slot is advanced along its own plan.
    func horizon(from slot: UInt64, limit: Int) -> [Pose] {
        let all = [pose] + plannedPoses
        let offset = slot > self.slot ? min(Int(clamping: slot - self.slot), all.count - 1) : 0
        return Array(all[offset...].prefix(limit))
    }

    /// The pose the report gives for `slot` (the last planned pose when its plan ends earlier).
    func pose(at slot: UInt64) -> Pose { horizon(from: slot, limit: 1)[0] }

    /// Whether the report (pose plus plan) has a pose for `slot`.
    func covers(_ slot: UInt64) -> Bool {
        slot >= self.slot && slot - self.slot <= UInt64(plannedPoses.count)
    }
}

/// Up to `limit` of `items`, those whose `lastServed` is nil first, then the smallest (ties in
/// input order): how the per-slot render budgets share out observations and probes without
/// starving anyone.
func oldestFirst<Item>(_ items: [Item], limit: Int, lastServed: (Item) -> UInt64?) -> [Item] {
    guard items.count > limit else { return items }
    let ranked = items.enumerated().map { (rank: lastServed($0.element).map { $0 + 1 } ?? 0, index: $0.offset) }
    return ranked.sorted { ($0.rank, $0.index) < ($1.rank, $1.index) }.prefix(limit).map { items[$0.index] }
}
