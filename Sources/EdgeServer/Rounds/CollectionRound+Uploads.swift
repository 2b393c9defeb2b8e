import Crypto
import Foundation
import Protocol
import ServiceLifecycle
import SlotModel

extension CollectionRound {
    /// Sends each collector in `schedules` its SCHEDULE and waits until its upload of `kind`
    /// is committed or the stage's `seconds` (÷ time scale, + grace) have passed. A collector
    /// whose session resumed meanwhile is sent its SCHEDULE again, with the time left.
    ///
    /// - Returns: per participant index, the committed upload and its decoded samples.
    func upload(
        _ kind: UploadKind, schedules: [Int: Schedule], seconds: Double
    ) async -> Arrivals {
        let started = ContinuousClock.now, startedAt = Date()
        let wallSeconds = seconds / configuration.timeScale + configuration.graceMilliseconds / 1000
        var resumes: [Int: Int] = [:]
        for (k, schedule) in schedules {
            resumes[k] = participants[k].session.snapshot.resumes
            participants[k].session.send(.schedule(schedule))
        }
        var arrived: Arrivals = [:]
        var rejected: Set<Int> = []
        while arrived.count + rejected.count < schedules.count, (ContinuousClock.now - started).seconds < wallSeconds,
            !Task.isCancelled, !Task.isShuttingDownGracefully
        {
            // Observed before the checks below: a commit or a resume between them and the wait
            // ends the wait at once.
            let observations = [dependencies.store.commits.observe(), dependencies.sessions.collectorChanges.observe()]
            for (k, schedule) in schedules where arrived[k] == nil && !rejected.contains(k) {
                let key = participants[k].uploadKey(round: index, kind: kind)
                if let committed = try? dependencies.catalog.upload(key) {
                    do {
                        arrived[k] = try read(committed, kind: kind, participant: k, since: startedAt)
                        dependencies.liveView.roundUploadCommitted(clientID: participants[k].session.clientID, pilot: kind == .pilots)
                    } catch {
                        rejected.insert(k)
                        dependencies.logger.warning("STT-GS upload unusable", metadata: ["upload": "\(key)", "error": "\(error)"])
                    }
                    continue
                }
                let now = participants[k].session.snapshot.resumes
                if now != resumes[k] {
                    resumes[k] = now
                    var again = schedule
                    let left = max(0, seconds - (ContinuousClock.now - started).seconds * configuration.timeScale)
                    again.deadlineMicroseconds = Self.microseconds(left)
                    again.stageDurationMicroseconds = Self.microseconds(left)
                    participants[k].session.send(.schedule(again))
                }
            }
            let left = wallSeconds - (ContinuousClock.now - started).seconds
            if left > 0 { await ChangeSignal.wait(forAnyOf: observations, timeout: .seconds(checked: left)) }
        }
        return arrived
    }

    /// The committed upload's bytes: digest, samples, and when it arrived (emulated seconds).
    ///
    /// - Throws: when the bundle does not decode or does not hold what the collector registered:
    ///   |D̃_k| pilots, or the other |D_k| − |D̃_k| samples, each index in 0..<|D_k| once.
    private func read(
        _ committed: CommittedUpload, kind: UploadKind, participant k: Int, since start: Date
    ) throws -> (RoundReport.Upload, [CollectedSample]) {
        let path = dependencies.store.path(of: committed.key)
        guard let bytes = try DurableFile.readAll(path) else { throw Failure("\(committed.key) is in the catalog but not at \(path)") }
        let samples = try SampleBundle.decode(bytes)
        let registration = participants[k].registration
        let expected = kind == .pilots ? registration.pilots : registration.items - registration.pilots
        let indices = Set(samples.map(\.index))
        guard samples.count == expected, indices.count == expected, indices.allSatisfy({ (0..<registration.items).contains($0) }) else {
            throw Failure(
                "\(committed.key) holds \(samples.count) samples (\(indices.count) distinct), registered \(expected) in 0..<\(registration.items)")
        }
        let upload = RoundReport.Upload(
            samples: samples.count, bytes: bytes.count, sha256: Array(SHA256.hash(data: bytes)).hexString,
            emulatedBits: participants[k].registration.bitsPerSample * Double(samples.count),
            arrivalSeconds: committed.committedAt.timeIntervalSince(start) * configuration.timeScale)
        return (upload, samples)
    }
}
