import Optimizers
import SlotModel
import Wireless

/// One key of the daemon's TOML file: where it lives and how its value lands in the configuration.
///
/// ``ServerConfiguration/keys`` declares every key once; the reader, the unknown-key check and the
/// test that compares docs/OPERATIONS.md's key tables with the daemon all use that one list.
struct ConfigurationKey {
    /// The table (`limits`).
    let section: String
    /// The key inside it (`max_sessions`).
    let name: String
    /// Reads the key from its table into the configuration (absent: leaves the default).
    let apply: (TOMLSection, inout ServerConfiguration) throws(ConfigurationError) -> Void

    /// `section.name`, as the documentation and every error spell it.
    var dotted: String { "\(section).\(name)" }

    /// A key whose value is read by its type's ``TOMLValue`` conformance into `path`.
    init<Value: TOMLValue>(_ section: String, _ name: String, _ path: WritableKeyPath<ServerConfiguration, Value>) {
        self.init(section, name) { (table, configuration) throws(ConfigurationError) in
            try Value.read(name, from: table, into: &configuration[keyPath: path])
        }
    }

    /// A key read by its own function (arrays of tables, values that need more than one step).
    init(
        _ section: String, _ name: String,
        apply: @escaping (TOMLSection, inout ServerConfiguration) throws(ConfigurationError) -> Void
    ) {
        self.section = section
        self.name = name
        self.apply = apply
    }
}

extension GSCLOSolverName: TOMLValue {}
extension IRACSolverName: TOMLValue {}
extension STTGSSolverName: TOMLValue {}
extension PilotTransmission.Scheme: TOMLValue {}
extension SlotLoopConfiguration.LossEstimator: TOMLValue {}
extension SlotLoopConfiguration.LowPowerPolicy: TOMLValue {}
extension SlotLoopConfiguration.SmallModelSource: TOMLValue {}
extension UplinkCombiner: TOMLValue {}
extension FrameBitsSource: TOMLValue {}
extension SCCSolverName: TOMLValue {}
