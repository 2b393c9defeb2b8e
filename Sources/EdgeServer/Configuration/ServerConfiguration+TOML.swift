import Foundation
import SlotModel
import TOMLKit

extension ServerConfiguration {
    /// Reads a TOML configuration file on top of the defaults.
    ///
    /// - Throws: ``ConfigurationError`` for an unreadable file, a syntax error (with its line),
    ///   an unknown section or key, or a value of the wrong type.
    static func load(tomlFile path: String) throws(ConfigurationError) -> ServerConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError(code: .unreadable, key: path, message: "\(error.localizedDescription)")
        }
        return try parse(toml: text, source: path)
    }

    /// Parses TOML text on top of the defaults; `source` names the text in error messages.
    static func parse(toml text: String, source: String = "<string>") throws(ConfigurationError) -> ServerConfiguration {
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigurationError(
                code: .syntax, key: "\(source):\(error.source.begin.line)", message: error.description)
        } catch {
            throw ConfigurationError(code: .syntax, key: source, message: "\(error)")
        }
        var configuration = ServerConfiguration()
        let sections = try TOMLSection(root, path: "")
        try sections.requireOnly(["binary", "http", "auth", "limits", "store", "lifecycle", "slot", "log", "gsmr", "irac", "world", "sttgs", "cluster", "scc"])

        if let binary = try sections.section("binary") {
            try binary.requireOnly(["host", "port"])
            try binary.read("host", into: &configuration.binary.host)
            try binary.read("port", into: &configuration.binary.port)
        }
        if let http = try sections.section("http") {
            try http.requireOnly(["host", "port", "tls_certificate", "tls_private_key"])
            try http.read("host", into: &configuration.http.host)
            try http.read("port", into: &configuration.http.port)
            try http.readOptional("tls_certificate", into: &configuration.tlsCertificatePath)
            try http.readOptional("tls_private_key", into: &configuration.tlsPrivateKeyPath)
        }
        if let auth = try sections.section("auth") {
            try auth.requireOnly(["tokens", "allow_anonymous", "grants"])
            try auth.read("tokens", into: &configuration.tokens)
            try auth.read("allow_anonymous", into: &configuration.allowAnonymous)
            configuration.tokenGrants = try auth.sections("grants").map(readGrant)
        }
        if let limits = try sections.section("limits") {
            try limits.requireOnly([
                "max_sessions", "max_frame_bytes", "session_inflight_bytes", "session_outbound_bytes", "idle_timeout_seconds",
                "resume_grace_seconds", "http_max_body_bytes", "max_connections", "max_unauthenticated_connections",
                "handshake_timeout_seconds",
            ])
            try limits.read("handshake_timeout_seconds", into: &configuration.limits.handshakeTimeoutSeconds)
            try limits.read("max_connections", into: &configuration.limits.maxConnections)
            try limits.read("max_unauthenticated_connections", into: &configuration.limits.maxUnauthenticatedConnections)
            try limits.read("max_sessions", into: &configuration.limits.maxSessions)
            try limits.read("max_frame_bytes", into: &configuration.limits.maxFrameBytes)
            try limits.read("session_inflight_bytes", into: &configuration.limits.sessionInflightBytes)
            try limits.read("session_outbound_bytes", into: &configuration.limits.sessionOutboundBytes)
            try limits.read("idle_timeout_seconds", into: &configuration.limits.idleTimeoutSeconds)
            try limits.read("resume_grace_seconds", into: &configuration.limits.resumeGraceSeconds)
            try limits.read("http_max_body_bytes", into: &configuration.limits.httpMaxBodyBytes)
        }
        if let store = try sections.section("store") {
            try store.requireOnly(["data_directory", "max_upload_bytes"])
            try store.read("data_directory", into: &configuration.dataDirectory)
            var maxUpload = Int(configuration.maxUploadBytes)
            try store.read("max_upload_bytes", into: &maxUpload)
            configuration.maxUploadBytes = Int64(maxUpload)
        }
        if let lifecycle = try sections.section("lifecycle") {
            try lifecycle.requireOnly(["shutdown_grace_seconds"])
            try lifecycle.read("shutdown_grace_seconds", into: &configuration.shutdownGraceSeconds)
        }
        if let slot = try sections.section("slot") {
            try slot.requireOnly(["length_ms", "channel_seed", "max_planned_poses"])
            try slot.read("length_ms", into: &configuration.slotLengthMilliseconds)
            var seed = Int(truncatingIfNeeded: configuration.channelSeed)
            try slot.read("channel_seed", into: &seed)
            guard seed >= 0 else { throw .invalid("slot.channel_seed", "must be ≥ 0") }
            configuration.channelSeed = UInt64(seed)
            try slot.read("max_planned_poses", into: &configuration.maxPlannedPoses)
        }
        if let log = try sections.section("log") {
            try log.requireOnly(["level"])
            try log.read("level", into: &configuration.logLevel)
        }
        try readSlotLoop(sections, into: &configuration.slotLoop)
        try readRounds(sections, into: &configuration.rounds)
        try readCluster(sections, into: &configuration.cluster)
        return configuration
    }

    /// One `[[auth.grants]]` table: `token`, `clients` (ids or `prefix*` patterns), optional `roles`.
    private static func readGrant(_ table: TOMLSection) throws(ConfigurationError) -> TokenGrant {
        try table.requireOnly(["token", "clients", "roles"])
        var token = ""
        var clients: [String] = []
        var roles = SessionRole.allCases.map(\.rawValue)
        try table.read("token", into: &token)
        try table.read("clients", into: &clients)
        try table.read("roles", into: &roles)
        var patterns: [ClientPattern] = []
        for text in clients {
            guard let pattern = ClientPattern(text) else {
                throw .invalid(table.path + ".clients", "\"\(text)\" is not an id, a prefix ending in one *, or *")
            }
            patterns.append(pattern)
        }
        var granted = Set<SessionRole>()
        for name in roles {
            guard let role = SessionRole(rawValue: name) else {
                throw .invalid(table.path + ".roles", "\"\(name)\" is not one of \(SessionRole.allCases.map(\.rawValue))")
            }
            granted.insert(role)
        }
        return TokenGrant(token: token, clients: patterns, roles: granted)
    }

    /// The slot loop's sections.
    private static func readSlotLoop(_ sections: TOMLSection, into loop: inout SlotLoopConfiguration) throws(ConfigurationError) {
        if let gsmr = try sections.section("gsmr") {
            try gsmr.requireOnly(["solver", "horizon", "power_w", "image_bits", "pose_bits", "loss_estimator", "loss_prior", "map_cell_m", "mr_size", "observations_per_slot"])
            try gsmr.read("solver", into: &loop.gsmrSolver)
            try gsmr.read("horizon", into: &loop.gsmrHorizon)
            try gsmr.read("power_w", into: &loop.robotPowerBudget)
            try gsmr.read("image_bits", into: &loop.robotImageBits)
            try gsmr.read("pose_bits", into: &loop.robotPoseBits)
            try gsmr.read("loss_estimator", into: &loop.lossEstimator)
            try gsmr.read("loss_prior", into: &loop.lossPrior)
            try gsmr.read("map_cell_m", into: &loop.mapCellMetres)
            try gsmr.read("mr_size", into: &loop.mixedRealitySize)
            try gsmr.read("observations_per_slot", into: &loop.observationsPerSlot)
        }
        if let irac = try sections.section("irac") {
            try irac.requireOnly(["solver", "power_w", "max_users", "latency_s", "frame_bits", "probe_size", "frame_size", "probes_per_slot", "edge_latency_window", "edge_latency_margin"])
            try irac.read("solver", into: &loop.iracSolver)
            try irac.read("power_w", into: &loop.userPowerBudget)
            try irac.read("max_users", into: &loop.maxRenderedUsers)
            try irac.read("latency_s", into: &loop.latencyBudget)
            try irac.read("frame_bits", into: &loop.frameBits)
            try irac.read("probes_per_slot", into: &loop.probesPerSlot)
            try irac.read("edge_latency_window", into: &loop.edgeLatencyWindow)
            try irac.read("edge_latency_margin", into: &loop.edgeLatencyMargin)
            try irac.read("probe_size", into: &loop.probeSize)
            try irac.read("frame_size", into: &loop.frameSize)
        }
        if let world = try sections.section("world") {
            try world.requireOnly(["seed", "gaussians", "small_fraction", "render_workers"])
            var seed = Int(loop.worldSeed)
            try world.read("seed", into: &seed)
            guard seed >= 0 else { throw .invalid("world.seed", "must be ≥ 0") }
            loop.worldSeed = UInt64(seed)
            try world.read("gaussians", into: &loop.worldGaussians)
            try world.read("small_fraction", into: &loop.smallFraction)
            try world.read("render_workers", into: &loop.renderWorkers)
        }
    }
}

extension ServerConfiguration {
    /// The collection rounds' section.
    fileprivate static func readRounds(_ sections: TOMLSection, into rounds: inout RoundConfiguration) throws(ConfigurationError) {
        guard let sttgs = try sections.section("sttgs") else { return }
        try sttgs.requireOnly([
            "enabled", "solver", "pilot_scheme", "collectors", "registration_window_s", "round_s", "time_scale", "grace_ms",
            "power_sum_w", "power_max_w",
        ])
        try sttgs.read("enabled", into: &rounds.enabled)
        try sttgs.read("solver", into: &rounds.solver)
        try sttgs.read("pilot_scheme", into: &rounds.pilotScheme)
        try sttgs.read("collectors", into: &rounds.collectors)
        try sttgs.read("registration_window_s", into: &rounds.registrationWindowSeconds)
        try sttgs.read("round_s", into: &rounds.roundSeconds)
        try sttgs.read("time_scale", into: &rounds.timeScale)
        try sttgs.read("grace_ms", into: &rounds.graceMilliseconds)
        try sttgs.read("power_sum_w", into: &rounds.powerSum)
        try sttgs.read("power_max_w", into: &rounds.powerMax)
    }
}

extension ServerConfiguration {
    /// The multi-edge sections (`[cluster]`, `[scc]`).
    fileprivate static func readCluster(_ sections: TOMLSection, into cluster: inout ClusterConfiguration) throws(ConfigurationError) {
        if let section = try sections.section("cluster") {
            try section.requireOnly([
                "enabled", "id", "site", "etcd_endpoints", "prefix", "lease_ttl_s", "call_timeout_s", "advertise_http",
                "cache_bytes", "frequency_hz", "task_limit", "space_extent_m", "dwell_window", "controller", "peer_token",
            ])
            try section.read("enabled", into: &cluster.enabled)
            try section.read("id", into: &cluster.id)
            try section.read("site", into: &cluster.site)
            try section.read("etcd_endpoints", into: &cluster.etcdEndpoints)
            try section.read("prefix", into: &cluster.prefix)
            try section.read("lease_ttl_s", into: &cluster.leaseTTLSeconds)
            try section.read("call_timeout_s", into: &cluster.callTimeoutSeconds)
            try section.read("advertise_http", into: &cluster.advertiseHTTP)
            try section.read("cache_bytes", into: &cluster.cacheBytes)
            try section.read("frequency_hz", into: &cluster.frequencyHz)
            try section.read("task_limit", into: &cluster.taskLimit)
            try section.read("space_extent_m", into: &cluster.spaceExtentMetres)
            try section.read("dwell_window", into: &cluster.dwellWindow)
            try section.read("controller", into: &cluster.controllerEligible)
            try section.read("peer_token", into: &cluster.peerToken)
        }
        if let scc = try sections.section("scc") {
            try scc.requireOnly(["period_s", "solver", "latency_weight"])
            try scc.read("period_s", into: &cluster.sccPeriodSeconds)
            try scc.read("solver", into: &cluster.sccSolver)
            try scc.read("latency_weight", into: &cluster.sccLatencyWeight)
        }
    }
}

/// One TOML table with typed, path-aware reads, so every error names the full dotted key.
private struct TOMLSection {
    let table: TOMLTable
    let path: String

    init(_ table: TOMLTable, path: String) throws(ConfigurationError) {
        self.table = table
        self.path = path
    }

    private func key(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }

    func requireOnly(_ known: Set<String>) throws(ConfigurationError) {
        for name in table.keys.sorted() where !known.contains(name) {
            throw ConfigurationError(
                code: .unknownKey, key: key(name),
                message: "unknown key; expected one of \(known.sorted().joined(separator: ", "))")
        }
    }

    func section(_ name: String) throws(ConfigurationError) -> TOMLSection? {
        guard let value = table[name] else { return nil }
        guard let nested = value.table else { throw wrongType(name, expected: "a table", got: value) }
        return try TOMLSection(nested, path: key(name))
    }

    /// An array of tables (`[[name]]`), each named `name[i]` in errors.
    func sections(_ name: String) throws(ConfigurationError) -> [TOMLSection] {
        guard let value = table[name] else { return [] }
        guard let array = value.array else { throw wrongType(name, expected: "an array of tables", got: value) }
        var sections: [TOMLSection] = []
        for (index, element) in array.enumerated() {
            guard let nested = element.table else { throw wrongType("\(name)[\(index)]", expected: "a table", got: element) }
            sections.append(try TOMLSection(nested, path: key("\(name)[\(index)]")))
        }
        return sections
    }

    func read(_ name: String, into target: inout String) throws(ConfigurationError) {
        guard let value = table[name] else { return }
        guard let string = value.string else { throw wrongType(name, expected: "a string", got: value) }
        target = string
    }

    func readOptional(_ name: String, into target: inout String?) throws(ConfigurationError) {
        guard let value = table[name] else { return }
        guard let string = value.string else { throw wrongType(name, expected: "a string", got: value) }
        target = string.isEmpty ? nil : string
    }

    func read(_ name: String, into target: inout Int) throws(ConfigurationError) {
        guard let value = table[name] else { return }
        guard let int = value.int else { throw wrongType(name, expected: "an integer", got: value) }
        target = int
    }

    func read(_ name: String, into target: inout Double) throws(ConfigurationError) {
        guard let value = table[name] else { return }
        if let double = value.double {
            target = double
        } else if let int = value.int {
            target = Double(int)
        } else {
            throw wrongType(name, expected: "a number", got: value)
        }
    }

    /// An image size written `"WIDTHxHEIGHT"`.
    func read(_ name: String, into target: inout ImageSize) throws(ConfigurationError) {
        var text = target.description
        try read(name, into: &text)
        guard let size = ImageSize(text) else { throw .invalid(key(name), "\"\(text)\" is not WIDTHxHEIGHT (1…4096)") }
        target = size
    }

    /// One of a closed set of names (a solver, an estimator), refused with the list of names.
    func read<Value: RawRepresentable & CaseIterable>(_ name: String, into target: inout Value) throws(ConfigurationError)
    where Value.RawValue == String {
        var text = target.rawValue
        try read(name, into: &text)
        guard let value = Value(rawValue: text) else {
            throw .invalid(key(name), "\"\(text)\" is not one of \(Value.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        target = value
    }

    func read(_ name: String, into target: inout Bool) throws(ConfigurationError) {
        guard let value = table[name] else { return }
        guard let bool = value.bool else { throw wrongType(name, expected: "true or false", got: value) }
        target = bool
    }

    func read(_ name: String, into target: inout [String]) throws(ConfigurationError) {
        guard let value = table[name] else { return }
        guard let array = value.array else { throw wrongType(name, expected: "an array of strings", got: value) }
        var strings: [String] = []
        for (index, element) in array.enumerated() {
            guard let string = element.string else {
                throw wrongType("\(name)[\(index)]", expected: "a string", got: element)
            }
            strings.append(string)
        }
        target = strings
    }

    private func wrongType(_ name: String, expected: String, got value: any TOMLValueConvertible) -> ConfigurationError {
        ConfigurationError(code: .wrongType, key: key(name), message: "expected \(expected), got \(value.type)")
    }
}
