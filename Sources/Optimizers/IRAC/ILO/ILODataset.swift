import Dispatch
import Foundation
import SeededRandom

/// The random slots ILO learns from: the SPEC §3 scenario with K, K_max and P drawn per slot,
/// so one model covers the whole operating range up to `maxUsers`.
public struct ILOInstanceDistribution: Sendable {
    /// Fixed settings (antennas, area, noise, bandwidth, frame size, budgets, Δ source).
    public var scenario = IRACScenario()
    /// K is uniform in minUsers…maxUsers.
    public var minUsers = 2
    /// The largest K (the model's trained maximum).
    public var maxUsers = 50
    /// P is uniform in dBm over this range.
    public var powerRangeDBm: ClosedRange<Double> = -5...15

    /// The default distribution.
    public init() {}

    /// Slot `index` of the stream `seed`: reproducible on its own, whatever thread draws it.
    public func instance(seed: UInt64, index: Int) throws -> IRACInstance {
        var generator = SeededGenerator(seed: seed, stream: 0x11_0D, index: UInt64(index))
        var slot = scenario
        slot.userCount = minUsers + Int(generator.next() % UInt64(maxUsers - minUsers + 1))
        slot.maxUsers = 1 + Int(generator.next() % UInt64(slot.userCount))
        let dBm = generator.nextUniform(in: powerRangeDBm.lowerBound..<powerRangeDBm.upperBound)
        slot.powerBudget = pow(10, (dBm - 30) / 10)
        return try slot.instance(seed: generator.next())
    }

    /// A description recorded in model files.
    public var summary: String {
        "K~U{\(minUsers)..\(maxUsers)}, K_max~U{1..K}, P~U[\(powerRangeDBm.lowerBound),\(powerRangeDBm.upperBound)] dBm, "
            + "N=\(scenario.antennas), D=\(scenario.frameBits) bit, t_e=\(scenario.edgeRenderTime) s, Δ: \(scenario.gainSource.label)"
    }
}

/// Demonstrations: slots and PMM's decisions on them.
public struct ILODataset: Sendable {
    /// The slots.
    public var instances: [IRACInstance]
    /// PMM's collaboration status for each slot.
    public var labels: [[Bool]]

    /// A dataset from parts; throws `.badFile` if the labels do not match the slots.
    public init(instances: [IRACInstance], labels: [[Bool]]) throws {
        guard instances.count == labels.count,
            zip(instances, labels).allSatisfy({ $0.userCount == $1.count })
        else {
            throw OptimizerError(.badFile, "ILO dataset: labels do not match the instances")
        }
        self.instances = instances
        self.labels = labels
    }

    /// Runs PMM on `count` slots of `distribution` drawn from `seed`, on every core
    /// (DispatchQueue.concurrentPerform over chunks); each slot depends only on (seed, index),
    /// so the result does not depend on scheduling. `progress` receives completed counts.
    public static func generate(
        count: Int, seed: UInt64, distribution: ILOInstanceDistribution, pmm: IRACPenaltyMM = IRACPenaltyMM(),
        progress: @Sendable (Int) -> Void = { _ in }
    ) throws -> ILODataset {
        let chunk = 64
        let chunks = (count + chunk - 1) / chunk
        let store = ResultStore(count: count)
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            var solved: [(Int, Result<(IRACInstance, [Bool]), Error>)] = []
            for index in (c * chunk)..<min(count, (c + 1) * chunk) {
                solved.append(
                    (
                        index,
                        Result {
                            let instance = try distribution.instance(seed: seed, index: index)
                            return (instance, pmm.solve(instance).decision.served)
                        }
                    ))
            }
            progress(store.record(solved))
        }
        let results = try store.results.map { try $0!.get() }
        return try ILODataset(instances: results.map(\.0), labels: results.map(\.1))
    }

    /// Collects per-slot results from worker threads.
    private final class ResultStore: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var results: [Result<(IRACInstance, [Bool]), Error>?]
        private var done = 0

        init(count: Int) { results = Array(repeating: nil, count: count) }

        func record(_ batch: [(Int, Result<(IRACInstance, [Bool]), Error>)]) -> Int {
            lock.lock()
            defer { lock.unlock() }
            for (index, result) in batch { results[index] = result }
            done += batch.count
            return done
        }
    }

    /// Splits off the last `fraction` of slots (whole slots, so no slot leaks across).
    public func split(validationFraction fraction: Double) throws -> (training: ILODataset, validation: ILODataset) {
        let cut = instances.count - Int((Double(instances.count) * fraction).rounded())
        return (
            try ILODataset(instances: Array(instances[..<cut]), labels: Array(labels[..<cut])),
            try ILODataset(instances: Array(instances[cut...]), labels: Array(labels[cut...]))
        )
    }
}
