import Numerics
import Wireless

/// Multi-robot GSCLO (§VI-B): K robots upload to an N-antenna server with a zero-forcing
/// receiver, which removes inter-robot interference; robot k's gain in frame t is the ZF gain
/// `G_{k,t} = 1/[(H_tᴴH_t)⁻¹]_kk`. With a budget per robot, M_GS splits into K independent
/// P_GS problems, one per robot, each solvable by any registered solver.
public struct GSMRMultiRobot: Sendable {
    /// One P_GS instance per robot, its gains replaced by the ZF gains.
    public let robots: [GSCLOInstance]

    /// Builds the per-robot problems from `template` (τ, B, σ², I, S, P shared by all robots),
    /// the robots' losses `losses[k][t]` and the channels `channels[t][k]` (N entries each).
    public init(template: GSCLOInstance, losses: [[Double]], channels: [[[Complex<Double>]]]) throws {
        let frames = channels.count
        guard frames > 0, !losses.isEmpty, losses.allSatisfy({ $0.count == frames }) else {
            throw OptimizerError(.invalidInstance, "multi-robot: need losses[k][t] for every robot and \(frames) frames")
        }
        guard channels.allSatisfy({ $0.count == losses.count }) else {
            throw OptimizerError(.invalidInstance, "multi-robot: every frame needs one channel per robot (\(losses.count))")
        }
        var gains = [[Double]](repeating: [], count: losses.count)
        for (t, frame) in channels.enumerated() {
            let zeroForcing: [Double]
            do {
                zeroForcing = try ZeroForcing.effectiveGains(frame)
            } catch let error as WirelessError {
                throw OptimizerError(.numerical, "multi-robot: frame \(t): \(error.message)")
            }
            for k in zeroForcing.indices { gains[k].append(zeroForcing[k]) }
        }
        robots = try losses.indices.map { k in
            try GSCLOInstance(
                frames: frames, slotSeconds: template.slotSeconds, bandwidth: template.bandwidth,
                noise: template.noise, imageBits: template.imageBits, poseBits: template.poseBits,
                powerBudget: template.powerBudget, losses: losses[k], gains: gains[k],
                generator: template.generator)
        }
    }

    /// Solves every robot's P_GS with `solver`.
    public func solve(with solver: GSCLOSolverName, options: GSCLOSolverOptions = .init()) throws(OptimizerError) -> [SolverResult] {
        var results: [SolverResult] = []
        for robot in robots { results.append(try GSCLOSolver.solve(robot, with: solver, options: options)) }
        return results
    }
}
