import Foundation

/// An instance file's type: JSON with a `"problem"` key (SPEC appendix), decoded one way for
/// every problem.
public protocol SolverInstance: Decodable, Sendable {
    /// The instance files' `"problem"` value (`"gsclo"`, `"irac"`, `"sttgs"`, `"scc"`).
    static var problemKey: String { get }
}

extension SolverInstance {
    /// Decodes an instance from JSON bytes, mapping every failure (missing key, wrong type,
    /// non-finite number, a rule of the instance's own validation) to
    /// `OptimizerError(.invalidInstance)`, so that callers report one kind of error whatever went
    /// wrong in the file.
    public static func decode(json data: Data) throws(OptimizerError) -> Self {
        do {
            return try JSONDecoder().decode(Self.self, from: data)
        } catch let error as OptimizerError {
            throw error
        } catch let DecodingError.keyNotFound(key, _) {
            throw OptimizerError(.invalidInstance, "missing key '\(key.stringValue)'")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context),
            let DecodingError.dataCorrupted(context)
        {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw OptimizerError(.invalidInstance, "bad value at '\(path)': \(context.debugDescription)")
        } catch {
            throw OptimizerError(.invalidInstance, "cannot decode \(problemKey) instance: \(error)")
        }
    }
}

/// The names of one problem family's solvers: a closed set whose raw values are what config
/// files and command lines spell (the daemon and gs-lab conform these to their argument types).
public protocol SolverName: RawRepresentable, CaseIterable, Sendable, Hashable where RawValue == String {}

extension SolverName {
    /// Parses a name, throwing `.unknownSolver` with the list of known names.
    public init(validating name: String) throws(OptimizerError) {
        guard let solver = Self(rawValue: name) else {
            let known = Self.allCases.map(\.rawValue).joined(separator: ", ")
            throw OptimizerError(.unknownSolver, "unknown solver '\(name)'; known: \(known)")
        }
        self = solver
    }
}

/// What a solver returns: one decision per item (``SolverResult``: frames, users, clients) or a
/// front of assignments (``SCCResult``: spaces placed on MECs). Both encode to the SPEC appendix's
/// result JSON.
public protocol SolverSolution: Encodable, Sendable {
    /// The solver's registered name.
    var solver: String { get }
    /// Wall-clock solve time in seconds.
    var timeSeconds: Double { get }
}

/// One problem family's solvers behind one contract: the instance type, the closed set of
/// solver names, the options every solver of the family reads from, and the solution type.
///
/// GSMR (``GSCLOSolver``), ECO-GS (``IRACSolvers``), STT-GS (``STTGSSolvers``) and SCC
/// (``SCCSolvers``) conform; ``SolverRegistry`` dispatches instance files to them by their
/// `"problem"` key.
public protocol SolverFamily {
    /// What a solver of the family is given.
    associatedtype Instance: Sendable
    /// The family's solvers.
    associatedtype Name: SolverName
    /// Tuning every solver of the family reads what concerns it from.
    associatedtype Options: Sendable
    /// What a solver of the family returns.
    associatedtype Solution: SolverSolution

    /// The `"problem"` key of the family's instance files.
    static var problemKey: String { get }

    /// The instance in an instance file.
    static func decode(json data: Data) throws(OptimizerError) -> Instance

    /// Runs solver `name` on `instance`; the solution's feasibility report comes from the
    /// instance's own check.
    static func solve(_ instance: Instance, with name: Name, options: Options) throws(OptimizerError) -> Solution
}

extension SolverFamily where Instance: SolverInstance {
    public static var problemKey: String { Instance.problemKey }

    public static func decode(json data: Data) throws(OptimizerError) -> Instance {
        try Instance.decode(json: data)
    }
}

extension OptimizerError {
    /// Runs `body`, passing an ``OptimizerError`` through and reporting anything else a numerical
    /// routine threw as `.numerical`, so that solver entry points can promise one error type.
    static func catching<Value>(_ body: () throws -> Value) throws(OptimizerError) -> Value {
        do {
            return try body()
        } catch let error as OptimizerError {
            throw error
        } catch {
            throw OptimizerError(.numerical, "\(error)")
        }
    }
}
