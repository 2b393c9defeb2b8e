import Crypto
import Foundation
import Protocol
import Renderer
import SlotModel
import SplatClient

/// One simulated STT-GS data collector (docs/STTGS.md, "Rounds in edge-serverd").
///
/// It registers (HELLO capabilities: |D_k|, |D̃_k|, V_k; POSE: its radio position and, for
/// evaluation only, its own true dataset loss), then follows the round's SCHEDULEs: in the pilot
/// stage it uploads its FDC pilots, in the dataset stage — only when selected — the rest of its
/// dataset, each through the resumable, digest-checked upload path, paced to its emulated link.
/// An `idle` SCHEDULE ends the round.
struct CollectorAgent: Sendable {
    let index: Int
    let settings: AgentSettings
    let dataset: CollectorDataset
    let registration: CollectorRegistration
    let uplink = CollectorUplink()

    var clientID: String { "collector-\(settings.seed)-\(index)" }
    /// Least wall time between two chunks of an upload.
    static let minimumChunkWallSeconds = 0.1

    init(index: Int, settings: AgentSettings, dataset: CollectorDataset, options: CollectorOptions) throws {
        self.index = index
        self.settings = settings
        self.dataset = dataset
        guard
            let registration = CollectorRegistration(
                items: dataset.samples.count, pilots: dataset.pilots.count, bitsPerSample: options.sampleBits)
        else { throw CollectorError("collector \(index): invalid registration (\(dataset.samples.count) items, \(dataset.pilots.count) pilots)") }
        self.registration = registration
    }

    /// A connected, registered collector.
    struct Registered: Sendable {
        let connection: SplatConnection
        let welcome: Welcome
        /// Radio position x, y, z (m). Not a SIMD value: over-aligned SIMD locals in async frames
        /// tripped the task allocator in release builds ("freed pointer was not the last
        /// allocation"), so SIMD math stays in the synchronous helpers below.
        let position: [Double]
    }

    /// Connects and registers. Callers register collectors one after another, so that link ids
    /// (and with them the radio placement) follow collector indices in a fresh daemon.
    func register() async throws -> Registered {
        let retry = AdmissionRetry(deadline: .now + .seconds(settings.duration))
        let (connection, welcome) = try await retry.run(seed: settings.seed &+ UInt64(index)) {
            let connection = try await SplatConnection.connect(host: settings.host, port: settings.port)
            do {
                return (
                    connection,
                    try await connection.hello(
                        Hello(
                            role: .collector, clientID: clientID, token: settings.token, capabilities: registration.capabilities))
                )
            } catch {
                await connection.close()
                throw error
            }
        }
        let (message, position) = registrationPose(welcome)
        try await connection.send(message)
        return Registered(connection: connection, welcome: welcome, position: position)
    }

    /// The registration POSE: the radio position drawn from (channel seed, link id) and, for
    /// evaluation, the collector's own true loss.
    @inline(never)
    private func registrationPose(_ welcome: Welcome) -> (Message, [Double]) {
        let position = uplink.position(seed: welcome.channelSeed, link: welcome.linkID)
        let report = PoseReport(
            slot: 0, timestampNanoseconds: UInt64(Date().timeIntervalSince1970 * 1e9),
            pose: Pose(position: position, orientation: SIMD4(0, 0, 0, 1)), oracleLoss: dataset.trueLoss)
        return (.pose(report), [position.x, position.y, position.z])
    }

    /// The rate of this collector's emulated link under `schedule`: the shared channel of it and
    /// every co-scheduled transmitter at their powers, MRC at the edge.
    @inline(never)
    private func emulatedRate(_ schedule: Schedule, _ registered: Registered) -> Double {
        let seed = registered.welcome.channelSeed, p = registered.position
        let links =
            [(link: registered.welcome.linkID, position: SIMD3(p[0], p[1], p[2]))]
            + schedule.coScheduled.map { (link: $0.linkID, position: uplink.position(seed: seed, link: $0.linkID)) }
        let gains = uplink.compositeGains(seed: seed, round: schedule.slot, links: links)
        return uplink.rate(of: 0, powers: [schedule.powerWatts] + schedule.coScheduled.map(\.powerWatts), gains: gains)
    }

    /// Follows the round until its closing `idle` SCHEDULE (or `settings.duration` seconds).
    func run(_ registered: Registered) async throws -> CollectorReport {
        var report = CollectorReport(
            client: clientID, link: registered.welcome.linkID, round: nil, position: registered.position,
            items: dataset.samples.count, pilotIndices: dataset.pilots, bitsPerSample: registration.bitsPerSample,
            trueLoss: dataset.trueLoss)
        let ends = ContinuousClock.now + .nanoseconds(Int64(settings.duration * 1e9))
        let timeout = Task {
            try? await Task.sleep(until: ends, clock: .continuous)
            await registered.connection.close()
        }
        defer { timeout.cancel() }
        do {
            for await push in registered.connection.pushes {
                guard case .schedule(let schedule) = push.message else { continue }
                switch schedule.stage {
                case .slot:
                    continue
                case .pilotUpload:
                    report.round = schedule.slot
                    report.uploads.append(try await transmit(dataset.pilotBundle, samples: dataset.pilots.count, kind: .pilots, schedule, registered))
                case .datasetUpload:
                    report.round = schedule.slot
                    report.selected = schedule.decision
                    guard schedule.decision else { continue }
                    report.uploads.append(
                        try await transmit(
                            dataset.remainderBundle, samples: dataset.samples.count - dataset.pilots.count, kind: .dataset, schedule, registered))
                case .idle:
                    await registered.connection.bye()
                    return report
                }
            }
            report.failure = "the connection closed before the round ended"
        } catch {
            // One collector's refused upload or lost connection must not lose the others' reports.
            report.failure = "\(error)"
            await registered.connection.close()
        }
        return report
    }

    /// Uploads `bundle` under `schedule`: at the rate of ``emulatedRate(_:_:)``, the `samples`
    /// stand for `V_k·samples` bits, and chunk i is sent once its share of the airtime has
    /// passed (÷ time scale). Bytes that would cross the air after the deadline are not sent:
    /// the upload is an outage.
    private func transmit(
        _ bundle: [UInt8], samples: Int, kind: UploadKind, _ schedule: Schedule, _ registered: Registered
    ) async throws -> CollectorUpload {
        let received = ContinuousClock.now
        let rate = emulatedRate(schedule, registered)
        let emulatedBits = registration.bitsPerSample * Double(samples)
        let airtime = rate > 0 ? emulatedBits / rate : .infinity
        let deadline = Double(schedule.deadlineMicroseconds) / 1e6
        let id = CollectorRegistration.uploadID(round: schedule.slot, kind: kind)
        let digest = Array(SHA256.hash(data: bundle))
        let connection = registered.connection
        let resumedFrom = try await connection.beginUpload(
            UploadBegin(
                uploadID: id, totalSize: UInt64(bundle.count), sha256: digest, kind: kind, name: "\(clientID)-round-\(schedule.slot)"))
        var offset = Int(resumedFrom)
        // Each chunk waits for its durable ACK (an fsync at the edge) before the next is sent, so
        // chunks are at least `minimumChunkWallSeconds` of paced airtime apart: fsync latency then
        // overlaps the pacing instead of adding up. At most 20 chunks, at least 1.
        let wallAirtime = airtime.isFinite ? airtime / settings.timeScale : 0
        let chunks = max(1, min(20, Int(wallAirtime / Self.minimumChunkWallSeconds)))
        let chunk = max(1, min(Int(registered.welcome.maxChunkLength), (bundle.count + chunks - 1) / chunks))
        var outage = false
        while offset < bundle.count {
            let end = min(bundle.count, offset + chunk)
            // Emulated seconds after this SCHEDULE at which byte `end` has crossed the air. The
            // deadline is whole microseconds and the planned powers meet their targets exactly,
            // so the last chunk may land on it up to rounding.
            let crossed = Double(end - Int(resumedFrom)) / Double(bundle.count) * airtime
            guard crossed <= deadline * (1 + 1e-9) + 1e-6 else {
                outage = true
                break
            }
            try await Task.sleep(until: received + .nanoseconds(Int64(crossed / settings.timeScale * 1e9)), clock: .continuous)
            offset = Int(try await connection.uploadChunk(id: id, offset: UInt64(offset), bytes: bundle[offset..<end]))
        }
        let committed = outage ? false : (try await connection.endUpload(id: id)) == UInt64(bundle.count)
        return CollectorUpload(
            kind: kind == .pilots ? "pilots" : "dataset", round: schedule.slot, powerW: schedule.powerWatts,
            expectedRateBps: schedule.expectedRateBitsPerSecond, rateBps: rate,
            sinr: exp2(rate / uplink.bandwidth) - 1, samples: samples, emulatedBits: emulatedBits,
            airtimeSeconds: airtime, deadlineSeconds: deadline, bytes: bundle.count, sha256: digest.map { String(format: "%02x", $0) }.joined(),
            resumedFromOffset: Int(resumedFrom), bytesSent: offset - Int(resumedFrom), committed: committed, outage: outage,
            wallSeconds: (ContinuousClock.now - received).seconds)
    }
}

/// A collector could not be set up.
struct CollectorError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }
}
