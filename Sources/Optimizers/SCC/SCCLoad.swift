/// The resources a partial assignment uses — tasks and cache per MEC, pairs of each space per
/// MEC — so that greedy construction, repair and branch and bound can test a move and price it
/// in O(M) instead of re-evaluating the whole assignment.
public struct SCCLoad: Sendable {
    /// Tasks placed on each MEC.
    public private(set) var tasks: [Int]
    /// Bytes cached on each MEC.
    public private(set) var cacheUsed: [Double]
    /// Pairs of space v computed on MEC m, at [v·M + m] (z_{v,m} = 1 iff > 0).
    public private(set) var spacePairs: [Int]
    let mecCount: Int
    let spaceOfPair: [Int]
    let cacheBytes: [Double]
    let capacity: [Double]
    let maxTasks: [Int]

    /// An empty load for the evaluator's instance.
    public init(_ evaluator: SCCEvaluator) {
        let instance = evaluator.instance
        mecCount = instance.mecCount
        tasks = Array(repeating: 0, count: mecCount)
        cacheUsed = Array(repeating: 0, count: mecCount)
        spacePairs = Array(repeating: 0, count: instance.spaceCount * mecCount)
        spaceOfPair = evaluator.pairs.map(\.space)
        cacheBytes = instance.cacheBytes
        capacity = instance.mecCacheBytes
        maxTasks = instance.mecMaxTasks
    }

    /// True when space v is cached on MEC m.
    public func hosts(space v: Int, mec m: Int) -> Bool { spacePairs[v * mecCount + m] > 0 }

    /// True when pair p can go to MEC m without breaking m's task limit or cache capacity.
    public func canPlace(_ p: Int, on m: Int) -> Bool {
        let v = spaceOfPair[p]
        guard tasks[m] < maxTasks[m] else { return false }
        return hosts(space: v, mec: m) || cacheUsed[m] + cacheBytes[v] <= capacity[m]
    }

    /// Records pair p on MEC m (no check).
    public mutating func place(_ p: Int, on m: Int) {
        let v = spaceOfPair[p]
        if spacePairs[v * mecCount + m] == 0 { cacheUsed[m] += cacheBytes[v] }
        spacePairs[v * mecCount + m] += 1
        tasks[m] += 1
    }

    /// Removes pair p from MEC m.
    public mutating func remove(_ p: Int, from m: Int) {
        let v = spaceOfPair[p]
        spacePairs[v * mecCount + m] -= 1
        if spacePairs[v * mecCount + m] == 0 { cacheUsed[m] -= cacheBytes[v] }
        tasks[m] -= 1
    }

    /// What T and E grow by when pair p joins MEC m: its own costs, plus, if m does not yet
    /// host the space, one more copy to maintain and to synchronise with every other replica.
    public func marginalCost(_ p: Int, on m: Int, _ evaluator: SCCEvaluator) -> SCCObjectives {
        let v = spaceOfPair[p]
        var latency = evaluator.pairLatency[p * mecCount + m]
        var energy = evaluator.pairEnergy[p * mecCount + m]
        if !hosts(space: v, mec: m) {
            energy += evaluator.instance.maintenanceEnergy[v]
            for n in 0..<mecCount where n != m && hosts(space: v, mec: n) {
                latency += evaluator.syncLatency[m * mecCount + n]
                energy += evaluator.syncEnergy[m * mecCount + n]
            }
        }
        return SCCObjectives(latency: latency, energy: energy)
    }
}
