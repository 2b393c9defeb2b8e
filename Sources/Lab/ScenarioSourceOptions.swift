import ArgumentParser
import Foundation
import Renderer
import Scenarios

/// Where the renderer-derived quantities of generated instances (GSMR's L_t, ECO-GS's Δ_k,
/// STT-GS's per-image losses and features) come from.
enum ScenarioSourceKind: String, ExpressibleByArgument, CaseIterable {
    /// Rendered in the procedural world (Sources/Scenarios).
    case world
    /// The optimisers' documented synthetic stand-ins.
    case synthetic
}

/// `--source world|synthetic` and the world's settings, shared by the generate and sweep
/// commands of every problem.
struct ScenarioSourceOptions: ParsableArguments {
    @Option(help: "Source of rendering-derived quantities: world (rendered in the procedural world) or synthetic.")
    var source: ScenarioSourceKind = .world

    @Option(help: "Seed of the procedural world.")
    var worldSeed: UInt64 = 1

    @Option(help: "Approximate Gaussian count of the world's memory scene.")
    var worldGaussians: Int = 100_000

    @Option(help: "SH degree of the world (0…3).")
    var worldShDegree: Int = 3

    @Option(help: "Probe render size WxH (STT-GS needs a multiple of 8x6, e.g. 160x120).")
    var probeSize: String = "160x120"

    /// Whether the world source is selected.
    var usesWorld: Bool { source == .world }

    /// The world probe these options describe (the world is generated here, which takes a
    /// moment at large Gaussian counts).
    func probe() throws -> WorldProbe {
        try Self.probe(seed: worldSeed, gaussians: worldGaussians, shDegree: worldShDegree, size: probeSize)
    }

    /// A probe of the world `seed` (about `gaussians` Gaussians at SH degree `shDegree`) at
    /// `size` ("WxH"), with the flags' names in its validation errors.
    static func probe(seed: UInt64, gaussians: Int, shDegree: Int, size: String) throws -> WorldProbe {
        guard (0...3).contains(shDegree) else { throw ValidationError("--world-sh-degree must be 0…3") }
        guard gaussians >= 1000 else { throw ValidationError("--world-gaussians must be at least 1000") }
        let parts = size.lowercased().split(separator: "x").compactMap { Int($0) }
        guard parts.count == 2 else { throw ValidationError("--probe-size must look like 160x120, got '\(size)'") }
        let world = ProceduralWorld(seed: seed, configuration: .init(gaussianCount: gaussians, shDegree: shDegree))
        return try WorldProbe(world: world, width: parts[0], height: parts[1])
    }
}

/// `--out DIR --seed S --count N`, shared by every `generate` command: instance i is written
/// as `DIR/<problem>-<S+i>.json`.
struct GeneratedInstanceOptions: ParsableArguments {
    @Option(help: "Output directory; instances are named <problem>-<seed>.json.")
    var out: String = "."

    @Option(help: "Seed of the first instance.")
    var seed: UInt64 = 1

    @Option(help: "Number of instances (seeds seed, seed+1, …).")
    var count: Int = 1

    /// The instance seeds.
    func seeds() throws -> [UInt64] {
        guard count >= 1 else { throw ValidationError("--count must be at least 1") }
        return (0..<UInt64(count)).map { seed + $0 }
    }

    /// Writes `object` as sorted, pretty JSON to `<out>/<problem>-<seed>.json`, prints and
    /// returns the path.
    @discardableResult
    func write(_ object: [String: Any], problem: String, seed: UInt64) throws -> String {
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let path = URL(fileURLWithPath: out).appendingPathComponent("\(problem)-\(seed).json").path
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted]).write(to: URL(fileURLWithPath: path))
        print(path)
        return path
    }
}

/// Encodes an instance and adds `extras` as top-level keys (the SPEC appendix allows and
/// readers ignore unknown keys).
func instanceJSONObject(_ instance: some Encodable, extras: [String: Any]) throws -> [String: Any] {
    guard var object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(instance)) as? [String: Any] else {
        throw ValidationError("instance did not encode to a JSON object")
    }
    object.merge(extras) { _, new in new }
    return object
}
