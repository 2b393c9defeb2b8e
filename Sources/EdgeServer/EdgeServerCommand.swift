import ArgumentParser
import Foundation
import Logging
import NIOCore
import Optimizers
import Protocol
import ServiceLifecycle

/// `edge-serverd`: the splatedge edge daemon.
@main
struct EdgeServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edge-serverd",
        abstract: "The splatedge edge daemon: renders Gaussian-splat frames and schedules wireless clients.",
        discussion: "Settings come from the TOML file given with --config; flags override it. See docs/OPERATIONS.md.",
        version: SplatedgeVersion.current)

    @Option(name: .long, help: "TOML configuration file.")
    var config: String?

    @Option(name: .long, help: "Binary TCP listener host (binary.host).")
    var binaryHost: String?
    @Option(name: .long, help: "Binary TCP listener port, 0 = ephemeral (binary.port).")
    var binaryPort: Int?
    @Option(name: .long, help: "HTTP/2 listener host (http.host).")
    var httpHost: String?
    @Option(name: .long, help: "HTTP/2 listener port, 0 = ephemeral (http.port).")
    var httpPort: Int?
    @Option(name: .long, help: "PEM certificate chain; enables h2 over TLS with --tls-key (http.tls_certificate).")
    var tlsCertificate: String?
    @Option(name: .long, help: "PEM private key (http.tls_private_key).")
    var tlsKey: String?
    @Option(name: .long, help: "Accepted client token; repeat for several (replaces auth.tokens).")
    var token: [String] = []
    @Flag(name: .long, help: "Accept HELLO without a token (auth.allow_anonymous).")
    var allowAnonymous = false
    @Option(name: .long, help: "Data directory for uploads and the catalog (store.data_directory).")
    var dataDir: String?
    @Option(name: .long, help: "Maximum concurrent sessions (limits.max_sessions).")
    var maxSessions: Int?
    @Option(name: .long, help: "Seconds a graceful shutdown may take (lifecycle.shutdown_grace_seconds).")
    var shutdownGrace: Double?
    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical (log.level).")
    var logLevel: String?
    @Option(name: .long, help: "Event-loop threads (default: one per core).")
    var threads: Int?
    @Option(name: .long, help: "Slot length τ in milliseconds (slot.length_ms).")
    var slotMs: Double?
    @Option(name: .long, help: "GSCLO solver for robots (gsmr.solver).")
    var gsmrSolver: GSCLOSolverName?
    @Option(name: .long, help: "IRAC solver for users (irac.solver).")
    var iracSolver: IRACSolverName?
    @Option(name: .long, help: "Robot loss estimator (gsmr.loss_estimator).")
    var lossEstimator: SlotLoopConfiguration.LossEstimator?
    @Option(name: .long, help: "Gaussians in the procedural world (world.gaussians).")
    var worldGaussians: Int?
    @Option(name: .long, help: "Users' small model: pruned, or distilled from the serving model (world.small_model).")
    var smallModel: SlotLoopConfiguration.SmallModelSource?
    @Option(name: .long, help: "3DGS PLY served as model version 1 instead of the procedural memory (world.scene).")
    var scene: String?
    @Flag(name: .long, help: "Run without the slot loop (listeners and sessions only).")
    var noSlotLoop = false
    @Flag(name: .long, help: "Print the merged configuration after validation and exit.")
    var checkConfig = false

    /// The file's settings (or the defaults) with every given flag applied on top.
    func mergedConfiguration() throws(ConfigurationError) -> ServerConfiguration {
        var merged = try config.map { path throws(ConfigurationError) in try ServerConfiguration.load(tomlFile: path) } ?? ServerConfiguration()
        if let binaryHost { merged.binary.host = binaryHost }
        if let binaryPort { merged.binary.port = binaryPort }
        if let httpHost { merged.http.host = httpHost }
        if let httpPort { merged.http.port = httpPort }
        if let tlsCertificate { merged.tlsCertificatePath = tlsCertificate }
        if let tlsKey { merged.tlsPrivateKeyPath = tlsKey }
        if !token.isEmpty { merged.tokens = token }
        if allowAnonymous { merged.allowAnonymous = true }
        if let dataDir { merged.dataDirectory = dataDir }
        if let maxSessions { merged.limits.maxSessions = maxSessions }
        if let shutdownGrace { merged.shutdownGraceSeconds = shutdownGrace }
        if let logLevel { merged.logLevel = logLevel }
        if let slotMs { merged.slotLengthMilliseconds = slotMs }
        if let gsmrSolver { merged.slotLoop.gsmrSolver = gsmrSolver }
        if let iracSolver { merged.slotLoop.iracSolver = iracSolver }
        if let lossEstimator { merged.slotLoop.lossEstimator = lossEstimator }
        if let worldGaussians { merged.slotLoop.worldGaussians = worldGaussians }
        if let smallModel { merged.slotLoop.smallModel = smallModel }
        if let scene { merged.models.scenePath = scene }
        try merged.validate()
        return merged
    }

    func run() async throws {
        let configuration: ServerConfiguration
        do {
            configuration = try mergedConfiguration()
        } catch {
            throw ValidationError(error.description)
        }
        if checkConfig {
            print(configuration)
            return
        }
        let level = LogLevelName.parse(configuration.logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "edge-serverd")
        let server = try EdgeDaemon(
            configuration: configuration, logger: logger, eventLoopThreads: threads ?? System.coreCount)
        let services: [any Service]
        do {
            services = try server.services(slotLoop: !noSlotLoop, rounds: configuration.rounds.enabled)
        } catch {
            try await server.abandon(error)
            throw error
        }
        try await server.run(additionalServices: services)
    }
}

extension GSCLOSolverName: ExpressibleByArgument {}
extension IRACSolverName: ExpressibleByArgument {}
extension SlotLoopConfiguration.LossEstimator: ExpressibleByArgument {}
extension SlotLoopConfiguration.SmallModelSource: ExpressibleByArgument {}
