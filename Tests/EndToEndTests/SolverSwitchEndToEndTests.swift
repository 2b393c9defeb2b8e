import Foundation
import Testing

/// The solvers matter end to end: on the same seed, the paper's schemes give the agents lower
/// losses than the "never help" baselines (robots that only send poses, users that only render
/// locally).
@Suite(.serialized)
struct SolverSwitchEndToEndTests {
    /// Mean `loss` over every row of the reports of one role.
    static func meanLoss(_ run: SlotLoopEndToEndTests.Run, role: String) -> Double {
        let losses = run.reports.filter { $0["role"] as? String == role }
            .flatMap { $0["rows"] as! [[String: Any]] }
            .map { $0["loss"] as! Double }
        return losses.reduce(0, +) / Double(max(1, losses.count))
    }

    @Test func schemesBeatBaselinesOnTheSameSeed() async throws {
        let baseline = try await SlotLoopEndToEndTests.run(
            seconds: 6, robots: 2, users: 2, extra: ["--gsmr-solver", "robogs", "--irac-solver", "usergs"])
        let schemes = try await SlotLoopEndToEndTests.run(
            seconds: 6, robots: 2, users: 2, extra: ["--gsmr-solver", "apo", "--irac-solver", "pmm"])
        guard let baseline, let schemes else {
            Issue.record("edge-serverd/client-sim not built: run `swift build` first")
            return
        }
        // The baselines never move content: no robot image, no user frame.
        for record in baseline.log {
            #expect((record["robots"] as! [[String: Any]]).allSatisfy { ($0["x"] as! NSNumber).intValue == 0 })
            #expect((record["users"] as! [[String: Any]]).allSatisfy { ($0["x"] as! NSNumber).intValue == 0 })
        }
        let robots = (robogs: Self.meanLoss(baseline, role: "robot"), apo: Self.meanLoss(schemes, role: "robot"))
        let users = (usergs: Self.meanLoss(baseline, role: "user"), pmm: Self.meanLoss(schemes, role: "user"))
        #expect(robots.apo < robots.robogs, "robots' mean MR loss: apo \(robots.apo) vs robogs \(robots.robogs)")
        #expect(users.pmm < users.usergs, "users' mean loss: pmm \(users.pmm) vs usergs \(users.usergs)")
    }
}
