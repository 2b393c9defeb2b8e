import Foundation
import Protocol
import Renderer
import SlotModel
import SplatClient
import Testing

/// The edge learns, with real processes over loopback: a collection round of 5 collectors ends
/// in a trained model version 2 with a higher held-out PSNR, FRAMEs after the swap are version
/// 2's renders (compared by content), slot deadlines are measured while training runs, a
/// SIGKILL during training loses nothing, and the daemon serves PLYs of both flavours.
@Suite(.serialized)
struct EdgeLearningEndToEndTests {
    typealias P = EndToEndProcesses

    static let frameSize = ImageSize(width: 64, height: 48)!
    static let worldGaussians = 2000

    /// A daemon process and its ports.
    struct Daemon {
        var process: Process
        var binaryPort: Int
        var httpPort: Int

        func get(_ path: String) throws -> [String: Any] {
            let (status, output) = try P.runToCompletion("/usr/bin/curl", ["-s", "--max-time", "5", "http://127.0.0.1:\(httpPort)\(path)"])
            guard status == 0, let object = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any] else {
                throw Failure("GET \(path): curl \(status): \(output)")
            }
            return object
        }

        /// A counter of the Prometheus exposition (0 when absent).
        func counter(_ name: String) throws -> Double {
            let (_, output) = try P.runToCompletion("/usr/bin/curl", ["-s", "--max-time", "5", "http://127.0.0.1:\(httpPort)/metrics"])
            let line = output.split(separator: "\n").first { $0.hasPrefix(name + " ") }
            return line.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
        }

        var model: [String: Any] { get throws { try get("/v1/status")["model"] as? [String: Any] ?? [:] } }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    static func startDaemon(config: String, data: String, work: URL, extra: [String] = []) async throws -> Daemon? {
        guard let daemon = P.executable("edge-serverd") else { return nil }
        let file = work.appendingPathComponent("edge-\(UUID().uuidString).toml")
        try config.write(to: file, atomically: true, encoding: .utf8)
        let (binaryPort, httpPort) = (P.freePort(), P.freePort())
        let process = try P.start(
            daemon,
            [
                "--config", file.path, "--binary-port", String(binaryPort), "--http-port", String(httpPort), "--data-dir", data,
                "--token", "t", "--log-level", "warning", "--world-gaussians", String(worldGaussians), "--threads", "1",
            ] + extra)
        try await P.waitForListener(port: httpPort)
        try await P.waitForListener(port: binaryPort)
        return Daemon(process: process, binaryPort: binaryPort, httpPort: httpPort)
    }

    static let config = """
        [slot]
        length_ms = 100
        [irac]
        probe_size = "32x24"
        frame_size = "64x48"
        [sttgs]
        solver = "pamm"
        round_s = 14
        time_scale = 7
        collectors = 5
        grace_ms = 1000
        """

    /// Runs 5 collector processes (80×60 images, 10 each) against `daemon` to completion.
    static func collect(_ daemon: Daemon, work: URL) async throws {
        guard let client = P.executable("client-sim") else { throw Failure("client-sim not built") }
        let process = try P.start(
            client,
            [
                "--role", "collector", "--count", "5", "--server", "127.0.0.1:\(daemon.binaryPort)", "--token", "t", "--duration", "60",
                "--world-gaussians", String(worldGaussians), "--image-size", "80x60", "--items", "10", "--sampling-ratio", "0.2",
                "--time-scale", "7", "--out", work.path + "/collectors",
            ])
        #expect(try await P.wait(process) == 0)
    }

    /// Polls `condition` every 100 ms for up to `seconds`.
    static func waitUntil(seconds: Double, _ condition: () throws -> Bool) async throws -> Bool {
        for _ in 0..<Int(seconds * 10) {
            if try condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try condition()
    }

    /// Largest per-channel difference of two equally sized images.
    static func maxDifference(_ a: RGBImage, _ b: RGBImage) -> Float {
        zip(a.pixels, b.pixels).map { abs($0 - $1) }.max() ?? .infinity
    }

    /// The daemon normalises a recorded pose's quaternion once more than the test does, which
    /// may move a pixel by an 8-bit step; two models are told apart by far larger differences.
    static let sameRender: Float = 2.5 / 255

    static func isRender(_ frame: RGBImage, of expected: RGBImage) -> Bool {
        maxDifference(frame, expected) <= sameRender
    }

    /// A render user that stays at ring camera 0 of the world and keeps every FRAME it gets,
    /// with the time it came. Poses (SIMD values) live in this object, never in an async
    /// frame, and the synchronous work is in `@inline(never)` methods that return the messages
    /// to send — the agents' rule for the async-frame defect (docs/ARCHITECTURE.md).
    final class Viewer: @unchecked Sendable {
        let pose: Pose
        private let lock = NSLock()
        private var connection: SplatConnection?
        private var received: [(at: ContinuousClock.Instant, slot: UInt64, image: RGBImage)] = []
        private var task: Task<Void, Never>?

        @inline(never)
        init() throws {
            let world = try SlotWorld(seed: 1, gaussianCount: worldGaussians, smallFraction: 0.1)
            pose = Pose(camera: try world.world.ringCamera(index: 0, of: 8, intrinsics: frameSize.intrinsics))
        }

        func open(daemon: Daemon) async throws {
            let connection = try await SplatConnection.connect(host: "127.0.0.1", port: daemon.binaryPort)
            _ = try await connection.hello(hello())
            for message in messages(slot: 0) { try await connection.send(message) }
            attach(connection, Task { await self.follow(connection) })
        }

        private func follow(_ connection: SplatConnection) async {
            for await frame in connection.pushes {
                for message in react(to: frame.message) { try? await connection.send(message) }
            }
        }

        @inline(never)
        private func hello() -> Hello { Hello(role: .user, clientID: "viewer", token: "t") }

        @inline(never)
        private func attach(_ connection: SplatConnection, _ task: Task<Void, Never>) {
            lock.withLock {
                self.connection = connection
                self.task = task
            }
        }

        @inline(never)
        private func messages(slot: UInt64) -> [Message] {
            [.pose(PoseReport(slot: slot, timestampNanoseconds: 0, pose: pose, plannedPoses: [Pose](repeating: pose, count: 15)))]
        }

        /// The POSE that answers a SCHEDULE; a FRAME is kept.
        @inline(never)
        private func react(to message: Message) -> [Message] {
            switch message {
            case .schedule(let schedule):
                return messages(slot: schedule.slot + 1)
            case .frame(let rendered):
                if let image = rendered.image.pngPixels { lock.withLock { received.append((.now, rendered.slot, image)) } }
                return []
            default:
                return []
            }
        }

        /// What a FRAME rendered from `scene` at the viewer's pose holds (the daemon's own recipe).
        @inline(never)
        func expectedFrame(_ scene: GaussianScene) throws -> RGBImage {
            let camera = try pose.camera(intrinsics: frameSize.intrinsics)
            return try RGBImage(pngData: GaussianRasterizer().render(scene, camera: camera, options: RenderOptions(threads: 1)).pngData())
        }

        /// The PLY at `path` rendered as a FRAME.
        @inline(never)
        func expectedFrame(ply path: String) throws -> RGBImage {
            try expectedFrame(try GaussianScene(contentsOfPLY: path))
        }

        @inline(never)
        func frames(after instant: ContinuousClock.Instant) -> [RGBImage] {
            lock.withLock { received.filter { $0.at > instant }.map(\.image) }
        }

        var count: Int { lock.withLock { received.count } }

        func close() async {
            let (connection, task) = lock.withLock { (self.connection, self.task) }
            await connection?.close()
            task?.cancel()
        }
    }

    /// Deadline misses per FRAME and late slots per slot between two metric readings.
    struct SlotWindow: CustomStringConvertible {
        var frames = 0.0, misses = 0.0, slots = 0.0, late = 0.0

        init(_ daemon: Daemon) throws {
            frames = try daemon.counter("edge_frames_sent_total")
            misses = try daemon.counter("edge_deadline_misses_total")
            slots = try daemon.counter("edge_slots_total")
            late = try daemon.counter("edge_slots_late_total")
        }

        init() {}

        static func - (a: SlotWindow, b: SlotWindow) -> SlotWindow {
            var d = SlotWindow()
            (d.frames, d.misses, d.slots, d.late) = (a.frames - b.frames, a.misses - b.misses, a.slots - b.slots, a.late - b.late)
            return d
        }

        var missRate: Double { misses / max(1, frames) }

        var description: String {
            String(format: "%.0f FRAMEs, %.0f deadline misses (%.1f %%), %.0f slots, %.0f late", frames, misses, 100 * missRate, slots, late)
        }
    }

    @Test func roundTrainsVersionTwoAndFramesFollowIt() async throws {
        let work = try P.scratch("learn")
        defer { try? FileManager.default.removeItem(at: work) }
        let data = work.path + "/data"
        guard let daemon = try await Self.startDaemon(config: Self.config + "\n[training]\niterations = 200\n", data: data, work: work),
            let client = P.executable("client-sim")
        else {
            Issue.record("edge-serverd/client-sim not built: run `swift build` first")
            return
        }
        defer { if daemon.process.isRunning { kill(daemon.process.processIdentifier, SIGKILL) } }
        let viewer = try Viewer()
        try await viewer.open(daemon: daemon)
        let users = try P.start(
            client,
            [
                "--role", "user", "--count", "3", "--server", "127.0.0.1:\(daemon.binaryPort)", "--token", "t", "--duration", "40",
                "--world-gaussians", String(Self.worldGaussians), "--frame-size", "64x48", "--out", work.path + "/users",
            ])
        defer { if users.isRunning { kill(users.processIdentifier, SIGKILL) } }
        #expect(try await Self.waitUntil(seconds: 10) { viewer.count >= 5 }, "the viewer got no FRAMEs")

        // Before training: version 1 (the procedural memory) serves, and FRAMEs show it.
        let expected1 = try viewer.expectedFrame(ply: data + "/models/1.ply")
        let early = viewer.frames(after: .now - .seconds(60))
        #expect(!early.isEmpty && early.allSatisfy { Self.isRender($0, of: expected1) }, "FRAMEs before training are not version 1's")
        let baselineStart = try SlotWindow(daemon)
        try await Task.sleep(for: .seconds(3))
        let baseline = try SlotWindow(daemon) - baselineStart

        let collectors = Task { try await Self.collect(daemon, work: work) }
        var duringTraining = SlotWindow()
        var trainingStart: SlotWindow?
        let trained = try await Self.waitUntil(seconds: 90) {
            let model = try daemon.model
            if trainingStart == nil, model["training"] as? Bool == true { trainingStart = try SlotWindow(daemon) }
            guard model["runs_completed"] as? Int == 1 else { return false }
            if let trainingStart { duringTraining = try SlotWindow(daemon) - trainingStart }
            return true
        }
        let swapped = ContinuousClock.now
        try await collectors.value
        #expect(trained, "no training run finished")
        let listing = try daemon.get("/v1/models")
        let versions = listing["versions"] as? [[String: Any]] ?? []
        #expect(listing["serving"] as? Int == 2)
        #expect(versions.map { $0["version"] as? Int } == [1, 2])
        let second = try #require(versions.last)
        let before = try #require(second["psnr_before"] as? Double), after = try #require(second["psnr_after"] as? Double)
        print(
            "edge learning e2e: version 2 held-out PSNR \(before) → \(after) dB, SSIM \(second["ssim_before"] ?? "-") → "
                + "\(second["ssim_after"] ?? "-") on \(second["held_out_samples"] ?? "-") views, \(second["training_samples"] ?? "-") "
                + "training samples, \(second["iterations"] ?? "-") iterations in \(second["training_seconds"] ?? "-") s")
        print("edge learning e2e: slots without training: \(baseline); while training: \(duringTraining)")
        #expect(after > before, "version 2's held-out PSNR \(after) is not above version 1's \(before)")
        #expect(second["promoted"] as? Bool == true && second["parent"] as? Int == 1 && second["rounds"] as? [Int] == [0])
        #expect(trainingStart != nil, "training ran between two polls: no slot window measured")
        // The slot loop keeps its deadlines while training runs: no more misses than without it
        // (plus 5 points for the shared machine), and no late slots beyond 5 %.
        #expect(duringTraining.missRate <= baseline.missRate + 0.05)
        #expect(duringTraining.late <= max(1, 0.05 * duringTraining.slots))

        // After the swap every FRAME is version 2's render, and not version 1's.
        #expect(try await Self.waitUntil(seconds: 10) { viewer.frames(after: swapped + .milliseconds(300)).count >= 5 })
        let expected2 = try viewer.expectedFrame(ply: data + "/models/2.ply")
        #expect(Self.maxDifference(expected1, expected2) > 4 * Self.sameRender, "versions 1 and 2 render the viewer's pose alike")
        let late = viewer.frames(after: swapped + .milliseconds(300))
        #expect(
            late.allSatisfy { Self.isRender($0, of: expected2) && !Self.isRender($0, of: expected1) }, "a FRAME after the swap is not version 2's")

        // The round report carries the training outcome.
        let report = try P.json(data + "/rounds/round-0.json")
        let model = report["trained_model"] as? [String: Any]
        #expect(model?["version"] as? Int == 2)
        await viewer.close()
        kill(daemon.process.processIdentifier, SIGTERM)
        #expect(try await P.wait(daemon.process) == 0)
    }

    /// GSMR's memory learns from the robots (GSMR §IV-A, updated in the daemon): robots' images
    /// become memory versions trained on them, judged on held-out images, and served.
    @Test func robotsImagesUpdateTheMemory() async throws {
        let work = try P.scratch("memory")
        defer { try? FileManager.default.removeItem(at: work) }
        let data = work.path + "/data"
        let config = """
            [gsmr]
            solver = "qgs"
            loss_threshold = 0.005
            [training]
            iterations = 60
            memory_update_s = 3
            memory_update_min_images = 16
            memory_update_images = 64
            """
        guard let daemon = try await Self.startDaemon(config: config, data: data, work: work),
            let client = P.executable("client-sim")
        else {
            Issue.record("edge-serverd/client-sim not built: run `swift build` first")
            return
        }
        defer { if daemon.process.isRunning { kill(daemon.process.processIdentifier, SIGKILL) } }
        let robots = try P.start(
            client,
            [
                "--role", "robot", "--count", "3", "--server", "127.0.0.1:\(daemon.binaryPort)", "--token", "t", "--duration", "60",
                "--world-gaussians", String(Self.worldGaussians), "--image-size", "32x24", "--no-quality", "--out", work.path + "/robots",
            ])
        defer { if robots.isRunning { kill(robots.processIdentifier, SIGKILL) } }
        let promoted = try await Self.waitUntil(seconds: 50) { (try daemon.model["serving_version"] as? Int ?? 1) >= 2 }
        #expect(promoted, "no memory version was promoted")
        let versions = try daemon.get("/v1/models")["versions"] as? [[String: Any]] ?? []
        let memory = versions.filter { $0["source"] as? String == "memory" }
        let first = try #require(memory.first)
        let before = try #require(first["psnr_before"] as? Double), after = try #require(first["psnr_after"] as? Double)
        print("memory update e2e: version 2 on \(first["training_samples"] ?? "-") robots' images, held-out PSNR \(before) → \(after) dB")
        #expect(first["parent"] as? Int == 1 && (first["rounds"] as? [Int])?.isEmpty == true)
        #expect((first["training_samples"] as? Int ?? 0) >= 14 && (first["held_out_samples"] as? Int ?? 0) >= 2)
        #expect(first["promoted"] as? Bool == true && after >= before)
        kill(robots.processIdentifier, SIGTERM)
        _ = try await P.wait(robots)
        kill(daemon.process.processIdentifier, SIGTERM)
        #expect(try await P.wait(daemon.process) == 0)
        // The slot log names the version each slot served: 1 first, then the memory's update.
        let served = try P.jsonLines(data + "/slot-log.jsonl").compactMap { $0["model_version"] as? Int }
        #expect(served.first == 1 && (served.last ?? 0) >= 2 && zip(served, served.dropFirst()).allSatisfy { $0 <= $1 })
    }

    /// The aggregated dataset: every PNG's path and bytes.
    static func datasetFiles(_ data: String) throws -> [String: Data] {
        let paths = FileManager.default.enumerator(atPath: data + "/dataset")?.compactMap { $0 as? String }.filter { $0.hasSuffix(".png") } ?? []
        return try Dictionary(uniqueKeysWithValues: paths.map { ($0, try Data(contentsOf: URL(fileURLWithPath: data + "/dataset/" + $0))) })
    }

    @Test func sigkillDuringTrainingKeepsVersionOneAndTheRoundsData() async throws {
        let work = try P.scratch("learn-kill")
        defer { try? FileManager.default.removeItem(at: work) }
        let data = work.path + "/data"
        // A run far longer than the test: it is surely under way when the daemon is killed.
        guard
            let daemon = try await Self.startDaemon(
                config: Self.config + "\n[training]\niterations = 1000000\n", data: data, work: work, extra: ["--no-slot-loop"])
        else {
            Issue.record("edge-serverd not built: run `swift build` first")
            return
        }
        defer { if daemon.process.isRunning { kill(daemon.process.processIdentifier, SIGKILL) } }
        try await Self.collect(daemon, work: work)
        #expect(try await Self.waitUntil(seconds: 60) { (try daemon.model["iteration"] as? Int ?? 0) >= 5 }, "training never started")
        let stored = try Self.datasetFiles(data)
        #expect(!stored.isEmpty)
        kill(daemon.process.processIdentifier, SIGKILL)
        _ = try await P.wait(daemon.process)

        guard
            let restarted = try await Self.startDaemon(
                config: Self.config + "\n[training]\niterations = 100\n", data: data, work: work, extra: ["--no-slot-loop"])
        else { return }
        defer { if restarted.process.isRunning { kill(restarted.process.processIdentifier, SIGKILL) } }
        // Version 1 serves and is the only version; the round's data is byte for byte intact.
        let listing = try restarted.get("/v1/models")
        #expect(listing["serving"] as? Int == 1)
        #expect((listing["versions"] as? [[String: Any]])?.map { $0["version"] as? Int } == [1])
        #expect(try Self.datasetFiles(data) == stored)
        // The interrupted run is re-run on the same round.
        #expect(try await Self.waitUntil(seconds: 60) { try restarted.model["runs_completed"] as? Int == 1 }, "training was not re-run")
        let versions = try restarted.get("/v1/models")["versions"] as? [[String: Any]] ?? []
        #expect(versions.count == 2 && versions.last?["rounds"] as? [Int] == [0])
        kill(restarted.process.processIdentifier, SIGTERM)
        #expect(try await P.wait(restarted.process) == 0)
    }

    /// `scene` in the INRIA reference layout (degree 3: normals, f_dc, 45 f_rest channel-major,
    /// opacity, scales, rotation), written byte by byte rather than by the renderer.
    static func inriaPLY(_ scene: GaussianScene) -> Data {
        var header = "ply\nformat binary_little_endian 1.0\nelement vertex \(scene.count)\n"
        let names =
            ["x", "y", "z", "nx", "ny", "nz", "f_dc_0", "f_dc_1", "f_dc_2"] + (0..<45).map { "f_rest_\($0)" }
            + ["opacity", "scale_0", "scale_1", "scale_2", "rot_0", "rot_1", "rot_2", "rot_3"]
        for name in names { header += "property float \(name)\n" }
        var data = Data((header + "end_header\n").utf8)
        let k = (scene.shDegree + 1) * (scene.shDegree + 1)
        for i in 0..<scene.count {
            var row = Array(scene.positions[3 * i..<3 * i + 3]) + [0, 0, 0] + Array(scene.sh[3 * k * i..<3 * k * i + 3])
            for c in 0..<3 { row += (1..<16).map { j in j < k ? scene.sh[3 * (k * i + j) + c] : 0 } }
            row += [scene.opacityLogits[i]] + Array(scene.logScales[3 * i..<3 * i + 3]) + Array(scene.rotations[4 * i..<4 * i + 4])
            for value in row { withUnsafeBytes(of: value.bitPattern.littleEndian) { data += Data($0) } }
        }
        return data
    }

    /// The daemon started with `--scene path` serves it as version 1: `/v1/models` says so and
    /// the viewer's FRAMEs are its renders.
    static func servesScene(_ path: String, work: URL) async throws {
        let data = work.path + "/data-\(UUID().uuidString)"
        guard let daemon = try await Self.startDaemon(config: Self.config, data: data, work: work, extra: ["--scene", path]) else {
            Issue.record("edge-serverd not built: run `swift build` first")
            return
        }
        defer { if daemon.process.isRunning { kill(daemon.process.processIdentifier, SIGKILL) } }
        let listing = try daemon.get("/v1/models")
        let first = (listing["versions"] as? [[String: Any]])?.first
        let count = try Self.gaussians(ply: path)
        #expect(listing["serving"] as? Int == 1 && first?["source"] as? String == "scene" && first?["gaussians"] as? Int == count)
        let viewer = try Viewer()
        try await viewer.open(daemon: daemon)
        #expect(try await Self.waitUntil(seconds: 10) { viewer.count >= 3 }, "the viewer got no FRAMEs")
        let expected = try viewer.expectedFrame(ply: path)
        // The check tells the scene from the procedural memory the daemon would otherwise serve.
        let memory = try viewer.expectedFrame(try SlotWorld(seed: 1, gaussianCount: worldGaussians, smallFraction: 0.1).large)
        #expect(Self.maxDifference(expected, memory) > 4 * Self.sameRender)
        #expect(viewer.frames(after: .now - .seconds(60)).allSatisfy { Self.isRender($0, of: expected) }, "\(path): FRAMEs are not the scene's")
        await viewer.close()
        kill(daemon.process.processIdentifier, SIGTERM)
        #expect(try await P.wait(daemon.process) == 0)
    }

    @inline(never)
    static func gaussians(ply path: String) throws -> Int { try GaussianScene(contentsOfPLY: path).count }

    /// Writes the world's memory, its Gaussians lifted by 0.2 m (no copy of the default model),
    /// in the INRIA layout to `path`.
    @inline(never)
    static func writeMovedMemory(to path: String) throws {
        let world = try SlotWorld(seed: 1, gaussianCount: Self.worldGaussians, smallFraction: 0.1).large
        let moved = try GaussianScene(
            shDegree: world.shDegree, positions: world.positions.enumerated().map { $0.offset % 3 == 2 ? $0.element + 0.2 : $0.element },
            logScales: world.logScales, rotations: world.rotations, opacityLogits: world.opacityLogits, sh: world.sh)
        try Self.inriaPLY(moved).write(to: URL(fileURLWithPath: path))
    }

    @Test func servesAnINRIALayoutPLY() async throws {
        let work = try P.scratch("learn-inria")
        defer { try? FileManager.default.removeItem(at: work) }
        let path = work.path + "/inria.ply"
        try Self.writeMovedMemory(to: path)
        try await Self.servesScene(path, work: work)
    }

    @Test func servesAPLYWrittenByGSLabTrain() async throws {
        guard let lab = P.executable("gs-lab") else {
            Issue.record("gs-lab not built: run `swift build` first")
            return
        }
        let work = try P.scratch("learn-gslab")
        defer { try? FileManager.default.removeItem(at: work) }
        let dataset = work.path + "/dataset", model = work.path + "/trained.ply"
        let made = try P.runToCompletion(
            lab,
            [
                "world-dataset", "--out", dataset, "--gaussians", "2000", "--sh-degree", "1", "--train-views", "4", "--test-views", "1",
                "--resolution", "32x24", "--points", "1500",
            ])
        #expect(made.status == 0, "\(made.output)")
        let trained = try P.runToCompletion(
            lab,
            [
                "train", "--data", dataset, "--iterations", "20", "--out", model, "--threads", "1", "--sh-degree", "1", "--progress-every", "10",
            ])
        #expect(trained.status == 0, "\(trained.output)")
        try await Self.servesScene(model, work: work)
    }

    @Test func refusesAMalformedScene() throws {
        guard let daemon = P.executable("edge-serverd") else {
            Issue.record("edge-serverd not built: run `swift build` first")
            return
        }
        let work = try P.scratch("learn-bad")
        defer { try? FileManager.default.removeItem(at: work) }
        let path = work.path + "/bad.ply"
        try Data("ply\nformat binary_little_endian 1.0\nelement vertex 9223372036854775807\nproperty float x\nend_header\n".utf8)
            .write(to: URL(fileURLWithPath: path))
        let run = try P.runToCompletion(
            daemon,
            [
                "--scene", path, "--binary-port", "0", "--http-port", "0", "--data-dir", work.path + "/data", "--token", "t",
                "--world-gaussians", "2000",
            ])
        #expect(run.status != 0)
        #expect(run.output.contains("model malformed"), "\(run.output)")
    }
}
