import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Protocol
import ServiceLifecycle
import SlotModel
import UnixSignals

/// The daemon: owns the catalog, the upload store, sessions and metrics, and runs the listeners
/// (and any extra services, such as the slot loop) in one `ServiceGroup`.
///
/// Lifecycle: ``run(additionalServices:signals:)`` binds both listeners, reports readiness
/// (``ready`` for in-process callers, `READY=1` for systemd), serves, and on SIGTERM/SIGINT (or
/// ``shutdown()``) drains: listeners stop accepting, in-flight work gets the configured grace
/// period, the store is flushed and the run is closed in the catalog. It returns normally after
/// a drain, so the process exits 0.
final class EdgeDaemon: Sendable {
    let configuration: ServerConfiguration
    let logger: Logger
    let metrics: ServerMetrics
    let catalog: Catalog
    let store: UploadStore
    let sessions: SessionRegistry
    /// HELLO, uploads, metrics and the log, as both transports use them.
    let sessionServices: SessionServices
    /// Written by the slot loop, read by `/v1/status`.
    let slotStatistics = SlotStatisticsBox()
    /// Written by the slot loop, composed on request by `GET /v1/robots/{client}/mr`.
    let mixedReality: MixedRealityBoard
    /// The model versions and training progress, for `/v1/models` and `/v1/status`.
    let modelBoard = ModelBoard()
    /// Written by the slot loop and the rounds, watched on `GET /` (the live view).
    let liveView: LiveViewBoard
    let liveViewMetrics: LiveViewMetrics
    /// Renders views other edges forward here (`POST /v1/views`).
    let viewDesk: ViewRenderDesk
    /// Keeps what the other replicas of this daemon's spaces send (`POST /v1/sync`).
    let spaceSync = SpaceSyncBoard()
    private let runID: Int64
    private let journal: CatalogJournal
    private let group: MultiThreadedEventLoopGroup
    private let threadPool: NIOThreadPool
    private let startedAt = ContinuousClock.now
    private let state = NIOLockedValueBox(RunState())
    private let readyPromise: EventLoopPromise<BoundAddresses>
    /// Held until the daemon is released: no second daemon opens the same data directory.
    private let directoryLock: DataDirectoryLock
    private let notifier = SystemdNotifier(environment: ProcessInfo.processInfo.environment)

    private struct RunState {
        var serviceGroup: ServiceGroup?
        var draining = false
        var shutdownRequested = false
    }

    /// Where the listeners ended up (ephemeral ports resolved).
    struct BoundAddresses: Sendable {
        var binary: SocketAddress
        var http: SocketAddress
    }

    /// Opens the data directory (catalog, upload store with crash recovery).
    init(configuration: ServerConfiguration, logger: Logger, eventLoopThreads: Int = System.coreCount) throws {
        try configuration.validate()
        self.configuration = configuration
        self.logger = logger
        mixedReality = MixedRealityBoard(renderSize: configuration.slotLoop.mixedRealitySize)
        viewDesk = ViewRenderDesk(memberID: configuration.cluster.id)
        try DurableFile.makeDirectories(configuration.dataDirectory)
        directoryLock = try DataDirectoryLock(directory: configuration.dataDirectory)
        catalog = try Catalog(path: configuration.dataDirectory + "/catalog.sqlite")
        metrics = ServerMetrics()
        threadPool = NIOThreadPool(numberOfThreads: 2)
        threadPool.start()
        do {
            store = try UploadStore(
                dataDirectory: configuration.dataDirectory, maxUploadBytes: configuration.maxUploadBytes, catalog: catalog,
                threadPool: threadPool)
            modelBoard.show(versions: try catalog.models())
            runID = try catalog.startRun(
                version: SplatedgeVersion.current, binaryAddress: configuration.binary.description,
                httpAddress: configuration.http.description)
        } catch {
            try? threadPool.syncShutdownGracefully()
            throw error
        }
        group = MultiThreadedEventLoopGroup(numberOfThreads: eventLoopThreads)
        journal = CatalogJournal(catalog: catalog, logger: logger)
        sessions = SessionRegistry(configuration: configuration, journal: journal, metrics: metrics, runID: runID, logger: logger)
        sessionServices = SessionServices(
            gateway: SessionGateway(configuration: configuration, sessions: sessions, slotStatistics: slotStatistics),
            uploads: UploadService(store: store, metrics: metrics), metrics: metrics, logger: logger)
        readyPromise = group.next().makePromise()
        liveViewMetrics = LiveViewMetrics(registry: metrics.registry)
        liveView = LiveViewBoard(sessions: sessions, metrics: liveViewMetrics)
    }

    /// The listeners' addresses, once bound.
    var ready: BoundAddresses {
        get async throws { try await readyPromise.futureResult.get() }
    }

    /// The `/v1/status` document.
    func statusReport() -> StatusReport {
        func named(_ counts: [SessionRole: Int]) -> [String: Int] {
            Dictionary(uniqueKeysWithValues: SessionRole.allCases.map { ($0.rawValue, counts[$0] ?? 0) })
        }
        return StatusReport(
            version: SplatedgeVersion.current,
            uptimeSeconds: (ContinuousClock.now - startedAt).seconds,
            draining: state.withLockedValue { $0.draining },
            sessions: named(sessions.counts()),
            connectedSessions: named(sessions.counts(attachedOnly: true)),
            slots: slotStatistics.value,
            store: store.usage,
            model: modelBoard.status)
    }

    /// Binds, serves and drains; returns after a graceful shutdown.
    ///
    /// - Parameters:
    ///   - additionalServices: run beside the listeners and shut down with them (the slot loop).
    ///   - signals: signals that start a graceful shutdown (none in tests).
    func run(additionalServices: [any Service] = [], signals: [UnixSignal] = [.sigterm, .sigint]) async throws {
        let outcome: Result<Void, any Error>
        do {
            try await serve(additionalServices: additionalServices, signals: signals)
            outcome = .success(())
        } catch {
            logger.error("edge-serverd failed", metadata: ["error": "\(error)"])
            outcome = .failure(error)
        }
        // The listeners (and their channel helpers) are released by now, so the event loops
        // can go: nothing schedules work on them any more.
        try await shutdownResources()
        try outcome.get()
        logger.info("edge-serverd stopped")
    }

    private func serve(additionalServices: [any Service], signals: [UnixSignal]) async throws {
        let authority = TokenAuthority(configuration: configuration)
        liveView.reportStatus { [weak self] in self?.statusReport() }
        let router = HTTPRouter(
            services: sessionServices, authority: authority, mixedReality: mixedReality, liveView: liveViewRoutes(authority: authority),
            views: viewDesk, spaceSync: spaceSync, models: { [modelBoard] in modelBoard.listing },
            statusRefresh: .microseconds(Int64(configuration.slotLengthMilliseconds * 1000))
        ) { [self] in statusReport() }
        let http: HTTPListener
        let binary: BinaryListener
        do {
            http = try await HTTPListener(
                configuration: configuration, router: router, group: group, metrics: metrics, logger: logger
            ) { [sessions] in
                for session in sessions.sessions() {
                    (session.connection as? HTTPSessionConnection)?.sayGoodbyeForShutdown()
                }
            }
            binary = try await BinaryListener(
                configuration: configuration, services: sessionServices, group: group, onDrain: { [self] in markDraining() })
        } catch {
            readyPromise.fail(error)
            throw error
        }
        let janitor = SessionJanitor(
            sessions: sessions, interval: .seconds(1),
            idleTimeout: .seconds(checked: configuration.limits.idleTimeoutSeconds))
        // ServiceGroup shuts services down one by one in reverse order: the listeners drain
        // first (together), while extra services such as the slot loop keep serving the
        // connections that are still finishing.
        let services: [any Service] = additionalServices + [janitor, Listeners(binary: binary, http: http)]
        var groupConfiguration = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: signals, logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = .nanoseconds(configuration.shutdownGrace.nanoseconds) + .seconds(2)
        let serviceGroup = ServiceGroup(configuration: groupConfiguration)
        let shutdownEarly = state.withLockedValue { state in
            state.serviceGroup = serviceGroup
            return state.shutdownRequested
        }
        defer { state.withLockedValue { $0.serviceGroup = nil } }
        readyPromise.succeed(BoundAddresses(binary: binary.localAddress, http: http.localAddress))
        notifier.notify("READY=1\nSTATUS=serving binary on \(binary.localAddress), HTTP on \(http.localAddress)")
        if shutdownEarly { await serviceGroup.triggerGracefulShutdown() }
        try await serviceGroup.run()
    }

    /// Releases a daemon that will not run because what it was to serve could not be built (a
    /// refused `world.scene`): `ready` fails with `error`, the store, the run's catalog row and
    /// the threads are closed as after a drain.
    func abandon(_ error: any Error) async throws {
        readyPromise.fail(error)
        try await shutdownResources()
    }

    /// Starts a graceful shutdown (what SIGTERM does).
    func shutdown() async {
        let serviceGroup = state.withLockedValue { state in
            state.shutdownRequested = true
            return state.serviceGroup
        }
        await serviceGroup?.triggerGracefulShutdown()
    }

    /// Marks the daemon as draining (listeners call this when their drain begins).
    func markDraining() {
        let first = state.withLockedValue { state in
            defer { state.draining = true }
            return !state.draining
        }
        if first { notifier.notify("STOPPING=1\nSTATUS=draining") }
    }

    var isDraining: Bool { state.withLockedValue { $0.draining } }

    private func shutdownResources() async throws {
        store.close()
        await journal.close()
        do { try catalog.stopRun(runID) } catch { logger.warning("catalog: could not close the run", metadata: ["error": "\(error)"]) }
        try await threadPool.shutdownGracefully()
        try await group.shutdownGracefully()
    }
}

extension Duration {
    /// The duration in seconds as a Double.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }
}

extension EdgeDaemon {
    /// The composition root of the services beside the listeners: each is built with what it
    /// uses and nothing more. The slot loop and the collection rounds share one world and one
    /// render pool (a render of either queues behind the other's in submission order).
    ///
    /// - Parameters:
    ///   - slotLoop: false runs without the slot loop (`--no-slot-loop`).
    ///   - rounds: run STT-GS collection rounds (`sttgs.enabled`).
    ///
    /// With `cluster.enabled` the daemon's cluster member (``ClusterService``) runs too; with the
    /// slot loop and `world.small_model = "distilled"`, the small model's distillation
    /// (``SmallModelService``).
    func services(slotLoop: Bool, rounds: Bool) throws -> [any Service] {
        let remoteViews =
            configuration.cluster.enabled && !configuration.cluster.peerToken.isEmpty
            ? RemoteViews(configuration: configuration.cluster, logger: logger) : nil
        let cluster: [any Service] =
            configuration.cluster.enabled
            ? [
                ClusterService(
                    configuration: configuration, sessions: sessions, logger: logger, remoteViews: remoteViews, spaceSync: spaceSync)
            ] : []
        let loop = configuration.slotLoop
        guard slotLoop || rounds else { return cluster }
        let world = try SlotWorld(seed: loop.worldSeed, gaussianCount: loop.worldGaussians, smallFraction: loop.smallFraction)
        let repository = ModelRepository(
            dataDirectory: configuration.dataDirectory, catalog: catalog, maxGaussians: configuration.models.maxSceneGaussians)
        let models = try servingModel(world: world, repository: repository)
        modelBoard.update { $0.small = SmallModelStatus(pruned: world.small) }
        let trainingMetrics = TrainingMetrics(registry: metrics.registry)
        trainingMetrics.servingVersion.set(Double(models.current.version))
        let renderer = SlotRenderer(pool: RenderPool(workers: loop.renderWorkers), models: models)
        // One training service for the rounds' runs and the memory's updates, one run at a time.
        let memorySettings = slotLoop ? configuration.models.memoryUpdates : nil
        var training: (service: TrainingService, jobs: AsyncStream<TrainingJob>.Continuation)?
        if configuration.models.trainingEnabled, rounds || memorySettings != nil {
            let (jobs, continuation) = AsyncStream.makeStream(of: TrainingJob.self)
            let service = TrainingService(
                configuration: configuration.models, repository: repository, models: models, jobs: jobs,
                board: modelBoard, metrics: trainingMetrics, logger: logger)
            training = (service, continuation)
        }
        var services: [any Service] = []
        if slotLoop {
            models.observe { [mixedReality, viewDesk] in
                mixedReality.attach($0)
                viewDesk.attach($0)
            }
            var memoryUpdates: MemoryUpdatePlanner.Outlet?
            if let memorySettings, let jobs = training?.jobs {
                memoryUpdates = .init(settings: memorySettings, jobs: jobs, isTraining: { [modelBoard] in modelBoard.status.training })
            }
            services.append(
                SlotLoopService(
                    configuration: configuration,
                    dependencies: .init(
                        sessions: sessions, metrics: SlotMetrics(registry: metrics.registry), statistics: slotStatistics,
                        mixedReality: mixedReality, liveView: liveView, renderer: renderer, logger: logger,
                        dataDirectory: configuration.dataDirectory, remoteViews: remoteViews, memoryUpdates: memoryUpdates)))
            if loop.smallModel == .distilled {
                services.append(
                    SmallModelService(
                        configuration: loop, cache: SmallModelCache(repository: repository), models: models, board: modelBoard, logger: logger))
            }
        }
        if rounds {
            var dependencies = RoundDependencies(
                sessions: sessions, store: store, catalog: catalog, metrics: RoundMetrics(registry: metrics.registry),
                renderer: renderer, liveView: liveView, logger: logger, dataDirectory: configuration.dataDirectory)
            dependencies.trainingJobs = training?.jobs
            services.append(CollectionRoundService(configuration: configuration, dependencies: dependencies))
        }
        // After the rounds and the slot loop: a drain stops training first (services stop in reverse order).
        if let training { services.append(training.service) }
        return services + cluster
    }

    /// The model to serve (``ModelRepository/servingModel(initial:logger:)``): the newest
    /// promoted version, or version 1 made from `world.scene` or the procedural memory.
    private func servingModel(world: SlotWorld, repository: ModelRepository) throws -> ServingModel {
        let scenePath = configuration.models.scenePath
        let (version, scene) = try repository.servingModel(
            initial: { () throws(ModelError) in
                guard let scenePath else { return (world.large, "procedural") }
                return (try repository.load(path: scenePath), "scene")
            },
            logger: logger)
        logger.info("serving model", metadata: ["version": "\(version.version)", "source": "\(version.source)", "gaussians": "\(scene.count)"])
        modelBoard.show(versions: try repository.versions())
        modelBoard.update { $0.servingVersion = version.version }
        return ServingModel(version: version.version, world: world.replacingLarge(with: scene))
    }
}

extension EdgeDaemon {
    /// The live view's routes; without its resource bundle they answer 503 and the rest serves.
    func liveViewRoutes(authority: TokenAuthority) -> LiveViewRoutes {
        let assets: LiveViewAssets?
        do {
            assets = try LiveViewAssets()
        } catch {
            logger.warning("live view files missing: / and /ui answer 503", metadata: ["error": "\(error)"])
            assets = nil
        }
        return LiveViewRoutes(
            board: liveView, images: LiveViewImages(board: liveView, mixedReality: mixedReality, metrics: liveViewMetrics),
            logins: LiveViewLogins(), authority: authority, metrics: liveViewMetrics, assets: assets)
    }
}
