import Foundation
import SeededRandom
import Wireless
@testable import Optimizers

/// Seeded random IRAC instances for tests: the SPEC §3 scenario with a budget and K_max drawn
/// so that the power and cardinality constraints both bind on a good share of instances.
enum IRACTestInstances {
    static func random(seed: UInt64, users: Int) throws -> IRACInstance {
        var generator = SeededGenerator(seed: seed, stream: 99, index: 0)
        var scenario = IRACScenario()
        scenario.userCount = users
        scenario.powerBudget = Units.watts(fromDBm: generator.nextUniform(in: -10..<12))
        scenario.maxUsers = 1 + Int(generator.next() % UInt64(users))
        return try scenario.instance(seed: seed)
    }

    /// Brute-force optimum (least objective) over all 2^K collaboration vectors, computed from
    /// the SPEC formulas directly rather than through the instance's helpers.
    static func bruteForce(_ instance: IRACInstance) -> Double {
        let count = instance.userCount
        let snr = pow(2, instance.frameBits / (instance.bandwidth * (instance.latencyBudget - instance.edgeRenderTime))) - 1
        let minimum = instance.channelGains.map { instance.noisePower * snr / $0 }
        let total = instance.switchingGains.reduce(0, +)
        var best = total
        for mask in 1..<(1 << count) where mask.nonzeroBitCount <= instance.maxUsers {
            var power = 0.0, gained = 0.0
            for k in 0..<count where mask & (1 << k) != 0 {
                power += minimum[k]
                gained += instance.switchingGains[k]
            }
            if power <= instance.powerBudget * (1 + 1e-12) { best = min(best, total - gained) }
        }
        return best
    }
}
