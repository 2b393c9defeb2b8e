import ArgumentParser
import Foundation
import Renderer
import SlotModel

extension ClientSimCommand {
    /// `--role collector`: records every collector's dataset, registers them one after another
    /// (link ids in index order), runs their round concurrently, writes a JSON report per
    /// collector and prints what each sent.
    func runCollectors(_ settings: AgentSettings) async throws {
        let (worldSeed, gaussians, seed, options, indices) = (worldSeed, worldGaussians, seed, collector, firstIndex..<(firstIndex + count))
        // Recording renders hundreds of images: it runs on a thread of its own, off the
        // cooperative pool (in release builds the renderer inlined into this async function
        // tripped the task allocator: "freed pointer was not the last allocation").
        let agents = try await onThread {
            let world = ProceduralWorld(seed: worldSeed, configuration: .init(gaussianCount: gaussians, shDegree: 1))
            return try indices.map { index in
                let dataset = try CollectorDataset(index: index, seed: seed, world: world, size: settings.imageSize, options: options)
                return try CollectorAgent(index: index, settings: settings, dataset: dataset, options: options)
            }
        }
        var registered: [CollectorAgent.Registered] = []
        for agent in agents { registered.append(try await agent.register()) }
        let reports = try await withThrowingTaskGroup(of: CollectorReport.self) { group in
            for (agent, connection) in zip(agents, registered) { group.addTask { try await agent.run(connection) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        print(CollectorReport.header)
        for report in reports.sorted(by: { $0.client < $1.client }) {
            try report.write(to: out)
            print(report.line + (report.failure.map { "  FAILED: \($0)" } ?? ""))
        }
        if reports.contains(where: { $0.failure != nil }) { throw ExitCode.failure }
    }
}

/// Runs `body` on a new thread and returns its result.
private func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}
