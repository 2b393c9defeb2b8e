import Foundation

/// Dispatches an instance file to its family's solvers by the file's `"problem"` key
/// (`gs-lab solve`): a new problem family is one ``SolverFamily`` conformance plus its entry here.
public struct SolverRegistry: Sendable {
    /// One family's entry: its problem key, its solver names, and how to solve a file of it.
    public struct Entry: Sendable {
        /// The family's `"problem"` key.
        public let problemKey: String
        /// The family's solver names, as instance files and command lines spell them.
        public let solverNames: [String]
        fileprivate let solve: @Sendable (Data, String) throws(OptimizerError) -> any SolverSolution

        /// The entry of `family`, whose solvers run with `options`.
        public init<Family: SolverFamily>(_ family: Family.Type, options: Family.Options) {
            problemKey = Family.problemKey
            solverNames = Family.Name.allCases.map(\.rawValue)
            solve = { (data, name) throws(OptimizerError) in
                let solver = try Family.Name(validating: name)
                return try Family.solve(Family.decode(json: data), with: solver, options: options)
            }
        }
    }

    /// The registered families, by problem key.
    public let entries: [String: Entry]

    /// A registry of `entries`; a problem key registered twice keeps its last entry.
    public init(_ entries: [Entry]) {
        self.entries = Dictionary(entries.map { ($0.problemKey, $0) }, uniquingKeysWith: { $1 })
    }

    /// Every family of this package, each with the given options.
    public static func all(
        gsclo: GSCLOSolverOptions = .init(), irac: IRACSolverOptions = .init(), sttgs: PAMM.Options = .init(),
        scc: SCCSolverOptions = .init()
    ) -> SolverRegistry {
        SolverRegistry([
            Entry(GSCLOSolver.self, options: gsclo), Entry(IRACSolvers.self, options: irac),
            Entry(STTGSSolvers.self, options: sttgs), Entry(SCCSolvers.self, options: scc),
        ])
    }

    /// The `"problem"` key of an instance file.
    public static func problemKey(of data: Data) throws(OptimizerError) -> String {
        struct Header: Decodable { var problem: String }
        guard let header = try? JSONDecoder().decode(Header.self, from: data) else {
            throw OptimizerError(.invalidInstance, "the instance has no string key 'problem'")
        }
        return header.problem
    }

    /// Solves the instance file `data` with the solver called `solver` of its family.
    public func solve(json data: Data, solver: String) throws(OptimizerError) -> any SolverSolution {
        let problem = try Self.problemKey(of: data)
        guard let entry = entries[problem] else {
            let known = entries.keys.sorted().joined(separator: ", ")
            throw OptimizerError(.invalidInstance, "problem '\(problem)' has no solvers in this build (known: \(known))")
        }
        return try entry.solve(data, solver)
    }
}
