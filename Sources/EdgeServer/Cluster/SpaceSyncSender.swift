import Cluster
import Foundation
import Logging
import Protocol

/// The sending side of space synchronisation: `cluster.sync_hz` times a second, each space this
/// daemon caches together with other members is sent to them (``SpaceSyncMessage/outgoing``,
/// `POST /v1/sync` over the peer link with its propagation delay). Every `scc.period_s` it logs
/// what the sync cost as the SCC model's terms (SPEC §5): t^sy measured as half the mean round
/// trip of one message, e^sy as its measured bits times the model's energy per inter-site bit
/// (no power is measured), beside the model's own t^sy = latency + sync_bits / rate.
struct SpaceSyncSender {
    let cluster: ClusterConfiguration
    let model: ClusterModel
    let link: RemoteViews
    let sessions: SessionRegistry
    let board: SpaceSyncBoard
    let logger: Logger

    /// What one reporting window sent.
    struct Tally: Sendable, Equatable {
        var messages = 0
        var failed = 0
        var bits = 0.0
        var roundTripSeconds = 0.0

        /// Measured t^sy of one message (s): half the mean round trip.
        var syncLatencySeconds: Double { messages > 0 ? roundTripSeconds / Double(messages) / 2 : 0 }
        /// e^sy of one message (J) at `joulesPerBit`, from the bits measured.
        func syncEnergyJoules(joulesPerBit: Double) -> Double { messages > 0 ? bits / Double(messages) * joulesPerBit : 0 }
    }

    func run() async {
        let spaces = SpaceDwell(count: model.spaceCount, extentMetres: cluster.spaceExtentMetres, window: 1)
        let interval = 1 / cluster.syncHz
        var tally = Tally()
        var reported = ContinuousClock.now
        while !Task.isCancelled {
            let started = ContinuousClock.now
            if let placement = link.placement {
                let outgoing = SpaceSyncMessage.outgoing(
                    placement: placement, member: cluster.id, poses: ClusterService.userPoses(sessions), spaceOf: { spaces.space(x: $0.position.x) })
                let sent = await send(outgoing)
                tally.messages += sent.messages
                tally.failed += sent.failed
                tally.bits += sent.bits
                tally.roundTripSeconds += sent.roundTripSeconds
            }
            if ContinuousClock.now - reported >= .seconds(cluster.sccPeriodSeconds) {
                report(tally)
                tally = Tally()
                reported = .now
            }
            let remaining = interval - (ContinuousClock.now - started) / .seconds(1)
            try? await Task.sleep(for: .seconds(max(remaining, 0.001)))
        }
    }

    /// Sends every message concurrently; what went and what it cost.
    private func send(_ outgoing: [(to: String, message: SpaceSyncMessage)]) async -> Tally {
        let timeout = cluster.callTimeoutSeconds
        return await withTaskGroup(of: Tally.self) { group in
            for (to, message) in outgoing {
                guard let member = link.member(to), let body = Self.body(message) else { continue }
                group.addTask { [link] in
                    guard let answer = await link.post("/v1/sync", body, to: member, timeoutSeconds: timeout), answer.status == 200 else {
                        return Tally(failed: 1)
                    }
                    return Tally(messages: 1, bits: Double(body.count * 8), roundTripSeconds: answer.seconds)
                }
            }
            var total = Tally()
            for await one in group {
                total.messages += one.messages
                total.failed += one.failed
                total.bits += one.bits
                total.roundTripSeconds += one.roundTripSeconds
            }
            return total
        }
    }

    @inline(never)
    private static func body(_ message: SpaceSyncMessage) -> [UInt8]? { (try? JSONEncoder().encode(message)).map(Array.init) }

    @inline(never)
    private func report(_ tally: Tally) {
        guard tally.messages + tally.failed > 0 else { return }
        let received = board.received
        logger.info(
            "cluster sync",
            metadata: [
                "sent": "\(tally.messages)", "failed": "\(tally.failed)",
                "bits_per_msg": "\(Int(tally.messages > 0 ? tally.bits / Double(tally.messages) : 0))",
                "t_sy_s": "\(tally.syncLatencySeconds)", "e_sy_J": "\(tally.syncEnergyJoules(joulesPerBit: model.interSiteJoulesPerBit))",
                "model_sync_bits": "\(Int(model.syncBits))", "received": "\(received.messages)", "received_bytes": "\(received.bytes)",
                "spaces_synced": "\(received.poses.keys.sorted())",
            ])
    }
}
