/// The edge features of MO-CMPO's user–space–MEC graph (papers/scc-mo-cmpo.txt §III-B): one
/// row per (pair, MEC) edge, built from the instance (q, per-pair costs, capacities), the
/// preference weight w, the diffusion time t and the noisy assignment x_t.
///
/// The noisy assignment enters through one round of sum message passing over the graph —
/// pairs → MEC (tasks and cache in use), pairs → (space, MEC) (is the space already hosted
/// there, what synchronising one more replica would cost) — gathered back onto every edge.
/// That round is fixed sums, not learned; the learned part is the edge network that follows
/// (see docs/SCC.md, "MO-CMPO", for this reduction of the paper's 12 learned GNN layers).
public struct MOCMPOFeatures: Sendable {
    /// Features per edge.
    public static let width = 14

    let evaluator: SCCEvaluator
    /// Per-pair min and span of the per-MEC latency and energy, for normalisation.
    private let latencyFloor: [Double], latencySpan: [Double], energyFloor: [Double], energySpan: [Double]
    private let spaceOfPair: [Int], localOfPair: [Int], weightOfPair: [Double]
    private let syncScale: (latency: Double, energy: Double)
    private let maintenanceScale: Double

    /// Precomputes what does not depend on x_t, w or t.
    public init(_ evaluator: SCCEvaluator) {
        self.evaluator = evaluator
        let mecs = evaluator.mecCount, instance = evaluator.instance
        func spans(_ matrix: [Double]) -> ([Double], [Double]) {
            var floor = [Double](), span = [Double]()
            for p in 0..<evaluator.pairCount {
                let row = matrix[(p * mecs)..<((p + 1) * mecs)]
                let low = row.min() ?? 0, high = row.max() ?? 0
                floor.append(low)
                span.append(max(high - low, 1e-30))
            }
            return (floor, span)
        }
        (latencyFloor, latencySpan) = spans(evaluator.pairLatency)
        (energyFloor, energySpan) = spans(evaluator.pairEnergy)
        spaceOfPair = evaluator.pairs.map(\.space)
        localOfPair = evaluator.pairs.map { instance.localMEC[$0.user] }
        let q = evaluator.pairs.map { instance.probability[$0.user][$0.space] }
        let qMax = max(q.max() ?? 1, 1e-30)
        weightOfPair = q.map { $0 / qMax }
        syncScale = (max(evaluator.syncLatency.max() ?? 0, 1e-30), max(evaluator.syncEnergy.max() ?? 0, 1e-30))
        maintenanceScale = max(instance.maintenanceEnergy.max() ?? 0, 1e-30)
    }

    /// The feature matrix (pairs·M rows, `width` columns) for noisy genome `noisy`, latency
    /// weight `w` and time fraction t/T.
    public func matrix(noisy: [Int], latencyWeight w: Double, time: Double) -> ILOMatrix<Float> {
        let mecs = evaluator.mecCount, pairs = evaluator.pairCount, instance = evaluator.instance
        // Messages: pairs → MEC and pairs → (space, MEC).
        var load = SCCLoad(evaluator)
        for p in 0..<pairs where (0..<mecs).contains(noisy[p]) && load.canPlace(p, on: noisy[p]) {
            load.place(p, on: noisy[p])
        }
        var values = [Float](repeating: 0, count: pairs * mecs * Self.width)
        for p in 0..<pairs {
            let v = spaceOfPair[p]
            // Replicas of v other than the one p itself holds.
            let hosts = (0..<mecs).filter { m in load.spacePairs[v * mecs + m] - (noisy[p] == m ? 1 : 0) > 0 }
            for m in 0..<mecs {
                let latency = (evaluator.pairLatency[p * mecs + m] - latencyFloor[p]) / latencySpan[p]
                let energy = (evaluator.pairEnergy[p * mecs + m] - energyFloor[p]) / energySpan[p]
                let hosted = hosts.contains(m)
                var syncT = 0.0, syncE = 0.0
                if !hosted {
                    for n in hosts {
                        syncT += evaluator.syncLatency[m * mecs + n] / syncScale.latency
                        syncE += evaluator.syncEnergy[m * mecs + n] / syncScale.energy
                    }
                }
                let row: [Double] = [
                    latency, energy, w * latency + (1 - w) * energy,
                    localOfPair[p] == m ? 1 : 0, noisy[p] == m ? 1 : 0, hosted ? 1 : 0,
                    Double(load.tasks[m]) / Double(max(instance.mecMaxTasks[m], 1)),
                    load.cacheUsed[m] / max(instance.mecCacheBytes[m], 1),
                    syncT / Double(mecs), syncE / Double(mecs),
                    hosted ? 0 : instance.maintenanceEnergy[v] / maintenanceScale,
                    weightOfPair[p], w, time,
                ]
                let base = (p * mecs + m) * Self.width
                for (j, value) in row.enumerated() { values[base + j] = Float(value) }
            }
        }
        return ILOMatrix(rows: pairs * mecs, columns: Self.width, values: values)
    }
}
