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
            taskLimit: cluster.taskLimit)
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
                logger.info("cluster placement applied", metadata: [
                    "epoch": "\(placement.epoch)", "leader": "\(placement.leader)",
                    "load": "\(delta.load.sorted())", "evict": "\(delta.evict.sorted())",
                    "views_here": "\(placement.views.filter { $0.member == cluster.id }.count)",
                    "local_users_remote": "\(remote.count)",
                ])
            })
        logger.info("cluster member starting", metadata: [
            "id": "\(cluster.id)", "site": "\(cluster.site)", "etcd": "\(cluster.etcdEndpoints.joined(separator: ","))",
            "prefix": "\(cluster.prefix)",
        ])
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await node.run() }
                group.addTask { await Self.probePeers(etcd: etcd, cluster: cluster, into: latencies, remoteViews: remoteViews) }
                await group.waitForAll()
            }
        }
        await node.leave()
        await remoteViews?.close()
    }

    /// Every controller period, the one-way latency to each other member (the instance's
    /// measured inter-site latencies).
    static func probePeers(
        etcd: EtcdClient, cluster: ClusterConfiguration, into latencies: NIOLockedValueBox<[String: Double]>, remoteViews: RemoteViews?
    ) async {
        let probe = PeerLatencyProbe(timeoutSeconds: cluster.callTimeoutSeconds)
        let keys = ClusterKeyspace(prefix: cluster.prefix)
        while !Task.isCancelled {
            if let values = try? await etcd.getPrefix(keys.members).values {
                let records = values.compactMap { try? JSONDecoder().decode(MemberRecord.self, from: $0.value) }
                remoteViews?.update(peers: records)
                let measured = await probe.measure(records, selfID: cluster.id)
                latencies.withLockedValue { $0 = measured }
            }
            try? await Task.sleep(for: .seconds(cluster.sccPeriodSeconds))
        }
    }

    /// The x position of every attached render user's latest POSE.
    static func userPositions(_ sessions: SessionRegistry) -> [String: Double] {
        var positions: [String: Double] = [:]
        for session in sessions.sessions(role: .user) where session.isAttached {
            if case .pose(let report)? = session.snapshot.latest[.pose] { positions[session.clientID] = report.pose.position.x }
        }
        return positions
    }
}
