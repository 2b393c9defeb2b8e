import Cluster
import Foundation
import Logging
import NIOConcurrencyHelpers
import Protocol
import ServiceLifecycle

/// The daemon's part in a multi-edge cluster (`[cluster] enabled`): a ``ClusterNode`` fed with
/// this daemon's live record (its render users and the spaces their poses were in) that applies
/// each placement by loading the spaces assigned here and evicting the others.
///
/// When etcd is unreachable the daemon keeps serving with the placement it holds and logs so
/// (see docs/OPERATIONS.md, "Running a cluster").
struct ClusterService: Service {
    let configuration: ServerConfiguration
    let sessions: SessionRegistry
    let logger: Logger
    /// Where views placed on other members are fetched (nil without `cluster.peer_token`).
    let remoteViews: RemoteViews?
    /// What the other replicas of this daemon's spaces sent it (reported with the sync's cost).
    var spaceSync = SpaceSyncBoard()
    /// The spaces this daemon holds now (what its member record announces).
    let holding = NIOLockedValueBox(Set<Int>())

    func run() async throws {
        let cluster = configuration.cluster
        let model = ClusterModel()
        let etcd = EtcdClient(configuration: .init(endpoints: cluster.etcdEndpoints, callTimeoutSeconds: cluster.callTimeoutSeconds))
        let planner = PlacementPlanner(model: model, solver: cluster.sccSolver, latencyWeight: cluster.sccLatencyWeight)
        let latencies = NIOLockedValueBox([String: Double]())
        let dwell = NIOLockedValueBox(SpaceDwell(count: model.spaceCount, extentMetres: cluster.spaceExtentMetres, window: cluster.dwellWindow))
        let base = MemberRecord(
            id: cluster.id, site: cluster.site,
            httpAddress: cluster.advertiseHTTP.isEmpty ? configuration.http.description : cluster.advertiseHTTP,
            binaryAddress: configuration.binary.description, cacheBytes: cluster.cacheBytes, frequencyHz: cluster.frequencyHz,
            taskLimit: cluster.taskLimit, positionKm: cluster.positionKm)
        let node = ClusterNode(
            configuration: .init(
                id: cluster.id, keyspace: ClusterKeyspace(prefix: cluster.prefix), leaseTTLSeconds: cluster.leaseTTLSeconds,
                periodSeconds: cluster.sccPeriodSeconds, controllerEligible: cluster.controllerEligible, planner: planner),
            etcd: etcd, logger: logger,
            record: { [sessions, holding, latencies] in
                let presences = dwell.withLockedValue { dwell in
                    dwell.record(Self.userPositions(sessions))
                    return dwell.presences
                }
                var record = base
                record.users = presences
                record.spaces = holding.withLockedValue { $0.sorted() }
                record.peerLatencySeconds = latencies.withLockedValue { $0 }
                return record
            },
            apply: { [holding, logger, remoteViews] placement in
                remoteViews?.update(placement: placement)
                let delta = holding.withLockedValue { held in
                    let delta = PlacementDelta(holding: held, placement: placement, member: cluster.id)
                    held = placement.spaces(of: cluster.id)
                    return delta
                }
                let remote = placement.views.filter { $0.local == cluster.id && $0.member != cluster.id }
                logger.info(
                    "cluster placement applied",
                    metadata: [
                        "epoch": "\(placement.epoch)", "leader": "\(placement.leader)",
                        "load": "\(delta.load.sorted())", "evict": "\(delta.evict.sorted())",
                        "views_here": "\(placement.views.filter { $0.member == cluster.id }.count)",
                        "local_users_remote": "\(remote.count)",
                    ])
            })
        logger.info(
            "cluster member starting",
            metadata: [
                "id": "\(cluster.id)", "site": "\(cluster.site)", "etcd": "\(cluster.etcdEndpoints.joined(separator: ","))",
                "prefix": "\(cluster.prefix)", "position_km": "\(cluster.positionKm)", "delay_us_per_km": "\(cluster.delayMicrosecondsPerKm)",
            ])
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await node.run() }
                group.addTask { await Self.probePeers(etcd: etcd, cluster: cluster, into: latencies, remoteViews: remoteViews) }
                if let remoteViews, cluster.syncHz > 0 {
                    group.addTask { [sessions, logger, spaceSync] in
                        await SpaceSyncSender(
                            cluster: cluster, model: model, link: remoteViews, sessions: sessions, board: spaceSync, logger: logger
                        ).run()
                    }
                }
                await group.waitForAll()
            }
        }
        await node.leave()
        await remoteViews?.close()
    }

    /// Every controller period, the one-way latency to each other member (the instance's
    /// inter-site latencies): the handshake measured on the wire plus the propagation delay of
    /// the sites' distance, which the inter-edge link adds in user space (``SitePropagation``).
    static func probePeers(
        etcd: EtcdClient, cluster: ClusterConfiguration, into latencies: NIOLockedValueBox<[String: Double]>, remoteViews: RemoteViews?
    ) async {
        let probe = PeerLatencyProbe(timeoutSeconds: cluster.callTimeoutSeconds)
        let propagation = SitePropagation(microsecondsPerKm: cluster.delayMicrosecondsPerKm)
        let keys = ClusterKeyspace(prefix: cluster.prefix)
        while !Task.isCancelled {
            if let values = try? await etcd.getPrefix(keys.members).values {
                let records = values.compactMap { try? JSONDecoder().decode(MemberRecord.self, from: $0.value) }
                let delays = Self.propagationDelays(records, from: cluster.positionKm, propagation)
                remoteViews?.update(peers: records, delays: delays)
                let measured = await probe.measure(records, selfID: cluster.id)
                let reached = delays.filter { measured[$0.key] != nil }
                latencies.withLockedValue { $0 = measured.merging(reached, uniquingKeysWith: +) }
            }
            try? await Task.sleep(for: .seconds(cluster.sccPeriodSeconds))
        }
    }

    /// One-way propagation delay (s) from `position` to every member that announced one.
    static func propagationDelays(_ records: [MemberRecord], from position: [Double], _ propagation: SitePropagation) -> [String: Double] {
        Dictionary(records.map { ($0.id, propagation.oneWaySeconds(from: position, to: $0.positionKm)) }, uniquingKeysWith: { first, _ in first })
    }

    /// The x position of every attached render user's latest POSE.
    static func userPositions(_ sessions: SessionRegistry) -> [String: Double] {
        var positions: [String: Double] = [:]
        for session in sessions.sessions(role: .user) where session.isAttached {
            if case .pose(let report)? = session.snapshot.latest[.pose] { positions[session.clientID] = report.pose.position.x }
        }
        return positions
    }

    /// The latest POSE of every attached render user.
    static func userPoses(_ sessions: SessionRegistry) -> [String: Pose] {
        var poses: [String: Pose] = [:]
        for session in sessions.sessions(role: .user) where session.isAttached {
            if case .pose(let report)? = session.snapshot.latest[.pose] { poses[session.clientID] = report.pose }
        }
        return poses
    }
}
