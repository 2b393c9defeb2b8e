extension ServerConfiguration {
    /// Every key of the TOML file, in the order docs/OPERATIONS.md documents them; each default
    /// is the property's initial value.
    static var keys: [ConfigurationKey] {
        [
            .init("binary", "host", \.binary.host),
            .init("binary", "port", \.binary.port),
            .init("http", "host", \.http.host),
            .init("http", "port", \.http.port),
            .init("http", "tls_certificate", \.tlsCertificatePath),
            .init("http", "tls_private_key", \.tlsPrivateKeyPath),
            .init("auth", "grants") { (table, configuration) throws(ConfigurationError) in
                configuration.tokenGrants = try table.sections("grants").map(readGrant)
            },
            .init("auth", "tokens", \.tokens),
            .init("auth", "allow_anonymous", \.allowAnonymous),
            .init("limits", "max_sessions", \.limits.maxSessions),
            .init("limits", "max_frame_bytes", \.limits.maxFrameBytes),
            .init("limits", "session_inflight_bytes", \.limits.sessionInflightBytes),
            .init("limits", "session_outbound_bytes", \.limits.sessionOutboundBytes),
            .init("limits", "idle_timeout_seconds", \.limits.idleTimeoutSeconds),
            .init("limits", "resume_grace_seconds", \.limits.resumeGraceSeconds),
            .init("limits", "http_max_body_bytes", \.limits.httpMaxBodyBytes),
            .init("limits", "max_connections", \.limits.maxConnections),
            .init("limits", "max_unauthenticated_connections", \.limits.maxUnauthenticatedConnections),
            .init("limits", "handshake_timeout_seconds", \.limits.handshakeTimeoutSeconds),
            .init("store", "data_directory", \.dataDirectory),
            .init("store", "max_upload_bytes", \.maxUploadBytes),
            .init("slot", "length_ms", \.slotLengthMilliseconds),
            .init("slot", "channel_seed", \.channelSeed),
            .init("slot", "max_planned_poses", \.maxPlannedPoses),
            .init("lifecycle", "shutdown_grace_seconds", \.shutdownGraceSeconds),
            .init("log", "level", \.logLevel),
        ] + slotLoopKeys + roundKeys + trainingKeys + clusterKeys
    }

    /// The slot loop's keys (`[gsmr]`, `[irac]`, `[world]`).
    private static var slotLoopKeys: [ConfigurationKey] {
        [
            .init("gsmr", "solver", \.slotLoop.gsmrSolver),
            .init("gsmr", "horizon", \.slotLoop.gsmrHorizon),
            .init("gsmr", "power_w", \.slotLoop.robotPowerBudget),
            .init("gsmr", "image_bits", \.slotLoop.robotImageBits),
            .init("gsmr", "pose_bits", \.slotLoop.robotPoseBits),
            .init("gsmr", "loss_estimator", \.slotLoop.lossEstimator),
            .init("gsmr", "loss_prior", \.slotLoop.lossPrior),
            .init("gsmr", "map_cell_m", \.slotLoop.mapCellMetres),
            .init("gsmr", "observations_per_slot", \.slotLoop.observationsPerSlot),
            .init("gsmr", "mr_size", \.slotLoop.mixedRealitySize),
            .init("gsmr", "epsilon", \.slotLoop.outageTarget),
            .init("gsmr", "omega2_relative", \.slotLoop.estimationErrorRelative),
            .init("gsmr", "loss_threshold", \.slotLoop.lossThreshold),
            .init("gsmr", "low_power_policy", \.slotLoop.lowPowerPolicy),
            .init("gsmr", "antennas", \.slotLoop.uplinkAntennas),
            .init("gsmr", "multi_robot", \.slotLoop.multiRobot),
            .init("irac", "solver", \.slotLoop.iracSolver),
            .init("irac", "power_w", \.slotLoop.userPowerBudget),
            .init("irac", "max_users", \.slotLoop.maxRenderedUsers),
            .init("irac", "latency_s", \.slotLoop.latencyBudget),
            .init("irac", "frame_bits", \.slotLoop.frameBits),
            .init("irac", "frame_bits_source", \.slotLoop.frameBitsSource),
            .init("irac", "frame_bits_window", \.slotLoop.frameBitsWindow),
            .init("irac", "frame_bits_quantile", \.slotLoop.frameBitsQuantile),
            .init("irac", "probe_size", \.slotLoop.probeSize),
            .init("irac", "frame_size", \.slotLoop.frameSize),
            .init("irac", "probes_per_slot", \.slotLoop.probesPerSlot),
            .init("irac", "edge_latency_window", \.slotLoop.edgeLatencyWindow),
            .init("irac", "edge_latency_margin", \.slotLoop.edgeLatencyMargin),
            .init("world", "seed", \.slotLoop.worldSeed),
            .init("world", "gaussians", \.slotLoop.worldGaussians),
            .init("world", "small_fraction", \.slotLoop.smallFraction),
            .init("world", "small_model", \.slotLoop.smallModel),
            .init("world", "small_iterations", \.slotLoop.smallIterations),
            .init("world", "render_workers", \.slotLoop.renderWorkers),
            .init("world", "scene", \.models.scenePath),
            .init("world", "scene_max_gaussians", \.models.maxSceneGaussians),
        ]
    }

    /// The collection rounds' keys (`[sttgs]`).
    private static var roundKeys: [ConfigurationKey] {
        [
            .init("sttgs", "enabled", \.rounds.enabled),
            .init("sttgs", "solver", \.rounds.solver),
            .init("sttgs", "pilot_scheme", \.rounds.pilotScheme),
            .init("sttgs", "collectors", \.rounds.collectors),
            .init("sttgs", "registration_window_s", \.rounds.registrationWindowSeconds),
            .init("sttgs", "round_s", \.rounds.roundSeconds),
            .init("sttgs", "time_scale", \.rounds.timeScale),
            .init("sttgs", "grace_ms", \.rounds.graceMilliseconds),
            .init("sttgs", "power_sum_w", \.rounds.powerSum),
            .init("sttgs", "power_max_w", \.rounds.powerMax),
        ]
    }

    /// The edge's own training (`[training]`: STT-GS step 8, GSMR's memory updates).
    private static var trainingKeys: [ConfigurationKey] {
        [
            .init("training", "enabled", \.models.trainingEnabled),
            .init("training", "iterations", \.models.iterations),
            .init("training", "earlier_rounds", \.models.earlierRounds),
            .init("training", "hold_out_every", \.models.holdOutEvery),
            .init("training", "seed", \.models.seed),
            .init("training", "memory_update_s", \.models.memoryUpdateSeconds),
            .init("training", "memory_update_min_images", \.models.memoryUpdateMinimumImages),
            .init("training", "memory_update_images", \.models.memoryUpdateImages),
        ]
    }

    /// The multi-edge keys (`[cluster]`, `[scc]`).
    private static var clusterKeys: [ConfigurationKey] {
        [
            .init("cluster", "enabled", \.cluster.enabled),
            .init("cluster", "id", \.cluster.id),
            .init("cluster", "site", \.cluster.site),
            .init("cluster", "etcd_endpoints", \.cluster.etcdEndpoints),
            .init("cluster", "prefix", \.cluster.prefix),
            .init("cluster", "lease_ttl_s", \.cluster.leaseTTLSeconds),
            .init("cluster", "call_timeout_s", \.cluster.callTimeoutSeconds),
            .init("cluster", "advertise_http", \.cluster.advertiseHTTP),
            .init("cluster", "cache_bytes", \.cluster.cacheBytes),
            .init("cluster", "frequency_hz", \.cluster.frequencyHz),
            .init("cluster", "task_limit", \.cluster.taskLimit),
            .init("cluster", "space_extent_m", \.cluster.spaceExtentMetres),
            .init("cluster", "dwell_window", \.cluster.dwellWindow),
            .init("cluster", "controller", \.cluster.controllerEligible),
            .init("cluster", "peer_token", \.cluster.peerToken),
            .init("cluster", "position_x_km", \.cluster.positionXKm),
            .init("cluster", "position_y_km", \.cluster.positionYKm),
            .init("cluster", "delay_us_per_km", \.cluster.delayMicrosecondsPerKm),
            .init("cluster", "sync_hz", \.cluster.syncHz),
            .init("scc", "period_s", \.cluster.sccPeriodSeconds),
            .init("scc", "solver", \.cluster.sccSolver),
            .init("scc", "latency_weight", \.cluster.sccLatencyWeight),
        ]
    }
}
