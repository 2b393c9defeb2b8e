import ArgumentParser
import Foundation
import Renderer
import SlotModel

extension ClientSimCommand {
    /// `--role collector`: records every collector's dataset, registers them one after another
    /// (link ids in index order), runs their round concurrently, writes a JSON report per
    /// collector and prints what each sent.
    func runCollectors(_ settings: AgentSettings) async throws {
        let world = ProceduralWorld(seed: worldSeed, configuration: .init(gaussianCount: worldGaussians, shDegree: 1))
        var agents: [CollectorAgent] = []
        for index in firstIndex..<(firstIndex + count) {
            let dataset = try CollectorDataset(index: index, seed: seed, world: world, size: settings.imageSize, options: collector)
            agents.append(try CollectorAgent(index: index, settings: settings, dataset: dataset, options: collector))
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
