import Foundation
import Testing

/// Every command of the three executables must pass swift-argument-parser's declaration checks
/// (e.g. no option name declared twice through option groups); `--help` runs those checks.
@Suite struct CommandLineTests {
    static let commands: [(String, [String])] = [
        ("edge-serverd", []), ("client-sim", []),
        ("gs-lab", ["solve"]), ("gs-lab", ["render"]), ("gs-lab", ["world"]), ("gs-lab", ["compress"]),
        ("gs-lab", ["gsmr", "generate"]), ("gs-lab", ["gsmr", "sweep"]),
        ("gs-lab", ["irac", "generate"]), ("gs-lab", ["irac", "sweep"]),
        ("gs-lab", ["ilo", "dataset"]), ("gs-lab", ["ilo", "train"]), ("gs-lab", ["ilo", "eval"]),
        ("gs-lab", ["sttgs", "generate"]), ("gs-lab", ["sttgs", "sweep"]),
        ("gs-lab", ["scc", "generate"]), ("gs-lab", ["scc", "cities"]), ("gs-lab", ["scc", "sweep"]),
        ("gs-lab", ["bench", "protocol"]), ("gs-lab", ["bench", "render"]), ("gs-lab", ["bench", "gsmr"]),
        ("gs-lab", ["bench", "irac"]), ("gs-lab", ["bench", "sttgs"]), ("gs-lab", ["bench", "daemon"]),
    ]

    @Test(arguments: commands.indices)
    func helpPassesDeclarationChecks(index: Int) throws {
        let (name, arguments) = Self.commands[index]
        guard let path = EndToEndProcesses.executable(name) else {
            Issue.record("\(name) is not built: run `swift build` first")
            return
        }
        let (status, output) = try EndToEndProcesses.runToCompletion(path, arguments + ["--help"])
        #expect(status == 0, "\(name) \(arguments.joined(separator: " ")): \(output)")
        #expect(!output.contains("Validation failed"), "\(name) \(arguments.joined(separator: " ")): \(output)")
        #expect(output.contains("USAGE:"))
    }
}
