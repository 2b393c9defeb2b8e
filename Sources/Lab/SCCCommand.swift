import ArgumentParser
import Foundation
import Optimizers

extension SCCSolverName: ExpressibleByArgument {}
extension SCCCity: ExpressibleByArgument {}

/// `gs-lab scc generate|cities|sweep`: SCC instances on synthetic metropolitan networks and the
/// paper's comparison of solvers (papers/scc-mo-cmpo.txt §IV).
struct SCCCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scc",
        abstract: "SCC: multi-user VR placement over many MECs — generate instances, city statistics, sweep every solver, train MO-CMPO.",
        subcommands: [SCCGenerateCommand.self, SCCCitiesCommand.self, SCCSweepCommand.self, SCCTrainCommand.self])
}

/// Scenario flags shared by the SCC commands (defaults: docs/SCC.md).
struct SCCScenarioOptions: ParsableArguments {
    @Option(help: "Users |U|.") var users = 200
    @Option(help: "Virtual spaces |V|.") var spaces = 10
    @Option(help: "MEC servers M (cells sampled from the city).") var mecs = 20
    @Option(help: "Seed of the synthetic city's cell map.") var citySeed: UInt64 = 1

    /// The generator these flags describe, for `city`.
    func scenario(city: SCCCity) -> SCCScenario {
        var scenario = SCCScenario()
        scenario.city = city
        scenario.users = users
        scenario.spaces = spaces
        scenario.mecs = mecs
        scenario.citySeed = citySeed
        return scenario
    }
}

/// `gs-lab scc generate`: instance files (SPEC appendix, `"problem": "scc"`) with the MEC
/// positions and mean inter-MEC distance recorded as extra keys.
struct SCCGenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate", abstract: "Write SCC instance files: M MECs sampled from a synthetic city, VR users and spaces.")

    @OptionGroup var scenario: SCCScenarioOptions
    @OptionGroup var output: GeneratedInstanceOptions
    @Option(help: "City whose inter-cell distances the network follows (california, virginia).") var city = SCCCity.california

    func run() throws {
        let settings = scenario.scenario(city: city)
        let cells = city.cells(seed: scenario.citySeed)
        for instanceSeed in try output.seeds() {
            let network = try settings.network(seed: instanceSeed, cells: cells)
            let extras: [String: Any] = [
                "seed": instanceSeed, "city": city.rawValue, "city_seed": scenario.citySeed,
                "mec_positions_km": network.positions.map { [$0.x, $0.y] },
                "mean_inter_mec_km": network.averageDistanceKm,
            ]
            try output.write(instanceJSONObject(network.instance, extras: extras), problem: "scc", seed: instanceSeed)
        }
    }
}

/// `gs-lab scc cities`: the synthetic cities' inter-cell distances beside the paper's datasets.
struct SCCCitiesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cities", abstract: "Inter-cell distance statistics of the synthetic cities vs the paper's OpenCellID datasets.")

    @Option(help: "Seeds of the cell maps to report.") var seeds = "1,2,3"

    func run() throws {
        print("| city | seed | cells | min (m) | median (km) | max (km) | paper min (m) | paper median (km) | paper max (km) |")
        print("|---|---|---|---|---|---|---|---|---|")
        for city in SCCCity.allCases {
            for text in seeds.split(separator: ",") {
                guard let seed = UInt64(text.trimmingCharacters(in: .whitespaces)) else {
                    throw ValidationError("--seeds: '\(text)' is not a seed")
                }
                let cells = city.cells(seed: seed)
                let stats = SCCCity.distances(cells), paper = city.paperDistancesKm
                print(
                    String(
                        format: "| %@ | %llu | %d | %.0f | %.2f | %.1f | %.0f | %.1f | %.1f |", city.rawValue, seed, cells.count,
                        stats.min * 1e3, stats.median, stats.max, paper.min * 1e3, paper.median, paper.max))
            }
        }
    }
}
