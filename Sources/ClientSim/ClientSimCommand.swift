import ArgumentParser
import Foundation
import Protocol
import SlotModel
import SplatClient
import Wireless

/// `client-sim`: simulated robots and users over emulated fading links.
@main
struct ClientSimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client-sim",
        abstract: "Simulated splatedge clients (robots, users) over emulated fading links.",
        discussion: "Each agent connects, streams POSEs, follows its SCHEDULEs and writes a per-agent CSV and JSON report.",
        version: SplatedgeVersion.current)

    enum Role: String, ExpressibleByArgument, CaseIterable { case robot, user, collector }

    @Option(help: "robot, user or collector.") var role: Role
    @Option(help: "Agents in this process.") var count = 1
    @Option(help: "Daemon listener host:port of the transport (binary for tcp, HTTP for h2).") var server = "127.0.0.1:7450"
    @Option(help: "Transport: tcp (binary protocol) or h2 (HTTP/2 session routes, h2c prior knowledge).")
    var transport = SplatTransport.tcp
    @Option(help: "Run seed: agents' routes and ids.") var seed: UInt64 = 1
    @Option(help: "Seconds to run.") var duration = 10.0
    @Option(help: "Emulated seconds per wall second for link pacing.") var timeScale = 1.0
    @Option(help: "Authentication token.") var token = ""
    @Option(help: "Index of the first agent (for several processes of one role).") var firstIndex = 0
    @Option(help: "Planned poses announced per POSE, including the current (GSMR horizon W).") var horizon = 8
    @Option(help: "Robot camera image size WIDTHxHEIGHT.") var imageSize = "64x48"
    @Option(help: "User frame size WIDTHxHEIGHT (the daemon's irac.frame_size).") var frameSize = "128x96"
    @Option(help: "Uplink image size I in bits (the daemon's gsmr.image_bits).") var imageBits = 537_600.0
    @Option(help: "Pose size S in bits (the daemon's gsmr.pose_bits).") var poseBits = 192.0
    @Option(help: "Downlink frame size D in bits (the daemon's irac.frame_bits).") var frameBits = 16e6
    @Option(help: "A FRAME's airtime is for --frame-bits (configured) or the PNG received (measured): the daemon's irac.frame_bits_source.")
    var frameBitsSource = FrameBitsSource.configured
    @Option(help: "World seed (the daemon's world.seed).") var worldSeed: UInt64 = 1
    @Option(help: "World Gaussians (the daemon's world.gaussians).") var worldGaussians = 20_000
    @Option(help: "Small model fraction (the daemon's world.small_fraction).") var smallFraction = 0.1
    @Flag(help: "Robots report their true loss in POSE (the daemon's oracle estimator).") var oracle = false
    @Option(help: "Channel estimation error r: the true channel is the pilot estimate plus CN(0, r·‖h̃‖²) (GSMR §V; 0: exact).")
    var estimationError = 0.0
    @Option(help: "Antennas N of the edge's robot receiver (the daemon's gsmr.antennas); N > 1: robots share it.")
    var uplinkAntennas = 1
    @Option(help: "The edge's receiver for robots sharing it: mrc or zf (the daemon's gsmr.multi_robot).")
    var uplinkReceiver = UplinkCombiner.mrc
    @Flag(help: "Load generation: no quality renders (loss, PSNR are NaN); robots re-capture their real image every 10 slots.")
    var noQuality = false
    @Option(help: "Directory for per-agent reports.") var out = "client-sim-reports"
    @Option(help: "The daemon's slot-log.jsonl, to add solver times to the summary.") var runLog: String?
    @OptionGroup var collector: CollectorOptions

    func validate() throws {
        guard count >= 1 else { throw ValidationError("--count must be ≥ 1") }
        guard duration > 0, timeScale > 0 else { throw ValidationError("--duration and --time-scale must be > 0") }
        guard estimationError.isFinite, (0...100).contains(estimationError) else {
            throw ValidationError("--estimation-error must be in [0, 100]")
        }
        guard (1...64).contains(uplinkAntennas) else { throw ValidationError("--uplink-antennas must be in 1...64") }
        guard ImageSize(imageSize) != nil, ImageSize(frameSize) != nil else { throw ValidationError("sizes must be WIDTHxHEIGHT") }
        guard server.split(separator: ":").count == 2, Int(server.split(separator: ":")[1]) != nil else {
            throw ValidationError("--server must be host:port")
        }
    }

    func run() async throws {
        let parts = server.split(separator: ":")
        let settings = AgentSettings(
            transport: transport, host: String(parts[0]), port: Int(parts[1])!, token: token, seed: seed, duration: duration, timeScale: timeScale,
            horizon: horizon, imageSize: ImageSize(imageSize)!, frameSize: ImageSize(frameSize)!, robotImageBits: imageBits,
            robotPoseBits: poseBits, frameBits: frameBits, frameBitsSource: frameBitsSource, reportsOracleLoss: oracle,
            estimationError: ChannelEstimateError(relativeVariance: estimationError), uplinkAntennas: uplinkAntennas,
            uplinkCombiner: uplinkReceiver, air: SharedAir(), evaluatesQuality: !noQuality)
        if role == .collector { return try await runCollectors(settings) }
        let world = try SlotWorld(seed: worldSeed, gaussianCount: worldGaussians, smallFraction: smallFraction)
        let clientRole: ClientRole = role == .robot ? .robot : .user
        // One agent's failure (refused for good, its connection lost) ends that agent only.
        let outcomes = await withTaskGroup(of: (Int, Result<AgentReport, any Error>).self) { group in
            for index in firstIndex..<(firstIndex + count) {
                let agent = Agent(role: clientRole, index: index, settings: settings, world: world)
                group.addTask {
                    do { return (index, .success(try await agent.run())) } catch { return (index, .failure(error)) }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        var reports: [AgentReport] = []
        var failures = 0
        for (index, outcome) in outcomes.sorted(by: { $0.0 < $1.0 }) {
            switch outcome {
            case .success(let report): reports.append(report)
            case .failure(let error):
                failures += 1
                FileHandle.standardError.write(Data("client-sim: \(role.rawValue) \(index) stopped: \(error)\n".utf8))
            }
        }

        var summary = RoleSummary()
        for report in reports.sorted(by: { $0.client < $1.client }) {
            try report.write(to: out)
            summary.add(report)
        }
        let times = try runLog.map { try SolverTimes(runLog: $0) }
        print(RoleSummary.header)
        print(
            summary.line(
                role: role.rawValue, solver: times.map { role == .robot ? $0.robotSolver : $0.userSolver } ?? "-",
                solverTimes: times.map { role == .robot ? $0.robot : $0.user } ?? "-"))
        if failures > 0 {
            FileHandle.standardError.write(Data("client-sim: \(failures) of \(count) agents failed\n".utf8))
            throw ExitCode.failure
        }
    }
}

extension SplatTransport: ExpressibleByArgument {}
extension UplinkCombiner: ExpressibleByArgument {}
extension FrameBitsSource: ExpressibleByArgument {}

/// Solver time percentiles from the daemon's run log.
struct SolverTimes {
    var robotSolver = "-"
    var userSolver = "-"
    var robot = "-"
    var user = "-"

    init(runLog path: String) throws {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var robotTimes: [Double] = [], userTimes: [Double] = []
        for line in text.split(separator: "\n") {
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { continue }
            robotSolver = object["robot_solver"] as? String ?? robotSolver
            userSolver = object["user_solver"] as? String ?? userSolver
            for robot in object["robots"] as? [[String: Any]] ?? [] { robotTimes.append(robot["solver_milliseconds"] as? Double ?? 0) }
            if !(object["users"] as? [Any] ?? []).isEmpty { userTimes.append(object["user_solver_milliseconds"] as? Double ?? 0) }
        }
        robot = Self.percentiles(robotTimes)
        user = Self.percentiles(userTimes)
    }

    static func percentiles(_ values: [Double]) -> String {
        guard !values.isEmpty else { return "-" }
        let sorted = values.sorted()
        func at(_ q: Double) -> Double { sorted[min(sorted.count - 1, Int((q * Double(sorted.count - 1)).rounded()))] }
        return String(format: "%.3f/%.3f", at(0.5), at(0.99))
    }
}
