import ArgumentParser
import Foundation
import Renderer

/// `gs-lab bench render`: frames per second of the rasteriser on the procedural world.
struct RenderBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Rasteriser throughput at 640×480 (procedural world, SH 3) for several scene sizes and thread counts, plus PLY load time.")

    @Option(help: "Comma-separated Gaussian counts.") var gaussians: String = "100000,1000000"
    @Option(help: "Comma-separated thread counts.") var threads: String = "1,2"
    @Option(help: "Frames per measurement (after one warm-up frame).") var frames: Int = 30
    @Option(help: "Image width×height.") var size: String = "640x480"
    @Option(help: "World seed.") var seed: UInt64 = 1

    func run() throws {
        let counts = gaussians.split(separator: ",").compactMap { Int($0) }
        let threadCounts = threads.split(separator: ",").compactMap { Int($0) }
        let dims = size.split(separator: "x").compactMap { Int($0) }
        guard !counts.isEmpty, !threadCounts.isEmpty, threadCounts.allSatisfy({ $0 >= 1 }), frames >= 1, dims.count == 2 else {
            throw ValidationError("bad --gaussians, --threads, --frames or --size")
        }
        let intrinsics = Camera.Intrinsics(width: dims[0], height: dims[1], verticalFieldOfViewDegrees: 60)
        // Wall time is what a user sees; process CPU time per frame shows the cost when the two
        // cores are shared with other work (then fps_cpu = threads·1000/cpu_ms is the idle-machine estimate).
        print("gaussians,threads,width,height,frames,mean_ms,fps,p95_ms,cpu_ms,fps_cpu,visible,tile_pairs")
        var loadLines: [String] = []
        for count in counts {
            let world = ProceduralWorld(seed: seed, configuration: .init(gaussianCount: count, shDegree: 3))
            let scene = world.memoryScene
            let route = world.route(index: 0)
            // Views along the patrol route, so the measured frames are what a robot sees.
            let cameras = try (0..<frames).map { try route.camera(atTime: route.period * Double($0) / Double(frames), intrinsics: intrinsics) }
            for threadCount in threadCounts {
                let rasterizer = GaussianRasterizer()
                let options = RenderOptions(threads: threadCount)
                var image = rasterizer.render(scene, camera: cameras[0], options: options)
                var times: [Double] = []
                var visible = 0, pairs = 0
                let cpuStart = Self.processCPUSeconds()
                for camera in cameras {
                    let start = DispatchTime.now()
                    rasterizer.render(scene, camera: camera, options: options, into: &image)
                    times.append(Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6)
                    visible += rasterizer.lastFrameStatistics.visibleGaussians
                    pairs += rasterizer.lastFrameStatistics.tilePairs
                }
                let cpuMilliseconds = (Self.processCPUSeconds() - cpuStart) * 1000 / Double(frames)
                let mean = times.reduce(0, +) / Double(times.count)
                let p95 = times.sorted()[min(times.count - 1, Int(Double(times.count) * 0.95))]
                print(
                    String(
                        format: "%d,%d,%d,%d,%d,%.2f,%.1f,%.2f,%.2f,%.1f,%d,%d", scene.count, threadCount, dims[0], dims[1], frames,
                        mean, 1000 / mean, p95, cpuMilliseconds, Double(threadCount) * 1000 / cpuMilliseconds, visible / frames, pairs / frames))
            }
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(count)-\(UUID()).ply").path
            try scene.writePLY(to: path)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let start = DispatchTime.now()
            let loaded = try GaussianScene(contentsOfPLY: path)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
            let megabytes = Double((try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0) / 1e6
            loadLines.append(String(format: "load %d Gaussians (SH %d, %.1f MB PLY): %.3f s", loaded.count, loaded.shDegree, megabytes, seconds))
        }
        loadLines.forEach { print($0) }
        try reportPerFrameCosts(intrinsics: intrinsics)
    }

    /// Time of the per-frame work besides rasterising, at the benchmark size: one GS loss
    /// (L1 + SSIM) between two renders, and a FRAME's PNG encode and decode.
    private func reportPerFrameCosts(intrinsics: Camera.Intrinsics) throws {
        let world = ProceduralWorld(seed: seed, configuration: .init(gaussianCount: 50_000, shDegree: 0))
        let camera = try world.route(index: 0).camera(atTime: 3, intrinsics: intrinsics)
        let rasterizer = GaussianRasterizer()
        let memory = rasterizer.render(world.memoryScene, camera: camera)
        let reality = rasterizer.render(world.realityScene(atTime: 3), camera: camera)
        let lossMilliseconds = try Self.meanMilliseconds(repeats: 5) { _ = try ImageMetrics.gsLoss(memory, reality) }
        print(String(format: "GS loss (L1 + SSIM) at %d×%d: %.1f ms", intrinsics.width, intrinsics.height, lossMilliseconds))
        let png = try memory.pngData()
        let encodeMilliseconds = try Self.meanMilliseconds(repeats: 20) { _ = try memory.pngData() }
        let decodeMilliseconds = try Self.meanMilliseconds(repeats: 20) { _ = try RGBImage(pngData: png) }
        print(
            String(
                format: "PNG at %d×%d (%d bytes): encode %.2f ms, decode %.2f ms",
                intrinsics.width, intrinsics.height, png.count, encodeMilliseconds, decodeMilliseconds))
    }

    private static func meanMilliseconds(repeats: Int, _ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now()
        for _ in 0..<repeats { try body() }
        return Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6 / Double(repeats)
    }

    static func processCPUSeconds() -> Double {
        var usage = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &usage)
        return Double(usage.tv_sec) + Double(usage.tv_nsec) / 1e9
    }
}
