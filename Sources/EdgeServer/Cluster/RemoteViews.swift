import Cluster
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOHTTP1
import Protocol
import SlotModel
import SplatClient

/// The local side of remote views: which users' views the placement computes on another edge,
/// and the daemon-to-daemon HTTP/2 client that fetches them (`POST /v1/views` with this
/// daemon's peer token). The user stays connected here; the slot executor relays the FRAME.
///
/// The same link carries the replicas' space synchronisation (``post(_:_:to:)``). Every
/// request waits the one-way propagation delay of the sites' distance before it is sent and
/// again before its answer is used (``SitePropagation``; no `netem` in this kernel).
final class RemoteViews: Sendable {
    let memberID: String
    private let peerToken: String
    private let spaces: SpaceDwell
    private let logger: Logger
    private struct State {
        var placement: Placement?
        var peers: [String: String] = [:]  // member id → HTTP address
        var delays: [String: Double] = [:]  // member id → one-way propagation delay (s)
    }
    private let state = NIOLockedValueBox(State())
    private let clients = NIOLockedValueBox([String: SplatHTTPClient]())

    /// Which member rendered each user's last relayed view (a change is logged).
    private let renderedBy = NIOLockedValueBox([String: String]())

    init(configuration: ClusterConfiguration, logger: Logger) {
        memberID = configuration.id
        peerToken = configuration.peerToken
        spaces = SpaceDwell(count: ClusterModel().spaceCount, extentMetres: configuration.spaceExtentMetres, window: 1)
        self.logger = logger
    }

    func update(placement: Placement) { state.withLockedValue { $0.placement = placement } }

    /// The placement applied last.
    var placement: Placement? { state.withLockedValue { $0.placement } }

    /// The live members and the one-way propagation delay to each (`delays`, s).
    func update(peers records: [MemberRecord], delays: [String: Double] = [:]) {
        let peers = Dictionary(records.map { ($0.id, $0.httpAddress) }, uniquingKeysWith: { first, _ in first })
        state.withLockedValue {
            $0.peers = peers
            $0.delays = delays
        }
    }

    /// The address of live member `id` (nil when not known alive).
    func member(_ id: String) -> RemoteMember? {
        state.withLockedValue { state in state.peers[id].map { RemoteMember(id: id, address: $0) } }
    }

    /// POSTs `body` (JSON) to `path` on `member` over the peer link, propagation delay both ways
    /// included; the answer's status and the round trip in seconds, or nil when it did not
    /// answer within `timeoutSeconds`.
    func post(_ path: String, _ body: [UInt8], to member: RemoteMember, timeoutSeconds: Double) async -> (status: Int, seconds: Double)? {
        let started = ContinuousClock.now
        guard let client = await client(for: member) else { return nil }
        await propagate(to: member.id)
        guard let response = await Self.post(body, path: path, with: client, timeoutSeconds: timeoutSeconds) else {
            drop(member)
            return nil
        }
        await propagate(to: member.id)
        return (response.status, Self.seconds(since: started))
    }

    /// Waits the one-way propagation delay to `member`.
    private func propagate(to member: String) async {
        let delay = state.withLockedValue { $0.delays[member] ?? 0 }
        if delay > 0 { try? await Task.sleep(for: .seconds(delay)) }
    }

    @inline(never)
    private static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = (ContinuousClock.now - start).components
        return Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
    }

    /// The other member that computes `user`'s view of the space `pose` is in, with its address;
    /// nil when the view is computed here, unplaced, or the member is not known alive.
    func remoteMember(user: String, pose: Pose) -> RemoteMember? {
        state.withLockedValue { state in
            guard let member = state.placement?.computingMember(user: user, space: spaces.space(x: pose.position.x)),
                member != memberID, let address = state.peers[member]
            else { return nil }
            return RemoteMember(id: member, address: address)
        }
    }

    /// `user`'s view rendered by `member`, or nil when it did not answer within `timeoutSeconds`
    /// (the connection is then dropped and dialled again next time).
    ///
    /// The async functions here only wait; everything else is in synchronous helpers and
    /// the results are plain structs (docs/ARCHITECTURE.md, "Known toolchain issue": this
    /// toolchain freed task frames out of order in async code with inlined synchronous work).
    func fetch(from member: RemoteMember, user: String, pose: Pose, slot: UInt64, size: ImageSize, timeoutSeconds: Double) async -> RelayedView? {
        guard let body = Self.requestBody(user: user, pose: pose, slot: slot, size: size),
            let client = await client(for: member)
        else { return nil }
        await propagate(to: member.id)
        let response = await Self.post(body, path: "/v1/views", with: client, timeoutSeconds: timeoutSeconds)
        guard let view = Self.view(from: response) else {
            drop(member)
            return nil
        }
        await propagate(to: member.id)
        note(user: user, placedOn: member.id, renderedBy: view.renderedBy, slot: slot)
        return view
    }

    private static func post(_ body: [UInt8], path: String, with client: SplatHTTPClient, timeoutSeconds: Double) async -> SplatHTTPClient.Response? {
        await withTaskGroup(of: SplatHTTPClient.Response?.self) { group in
            group.addTask { try? await client.request(.POST, path, headers: ["content-type": "application/json"], body: body) }
            group.addTask {
                try? await Task.sleep(for: .seconds(timeoutSeconds))
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    private func client(for member: RemoteMember) async -> SplatHTTPClient? {
        if let client = clients.withLockedValue({ $0[member.id] }) { return client }
        guard let (host, port) = HostPort.parse(member.address),
            let client = try? await SplatHTTPClient.connect(host: host, port: port, token: peerToken)
        else { return nil }
        return keep(client, for: member)
    }

    /// The connection kept for `member`: `client`, or one another fetch kept first (then
    /// `client` is closed on a task of its own).
    @inline(never)
    private func keep(_ client: SplatHTTPClient, for member: RemoteMember) -> SplatHTTPClient {
        let kept = clients.withLockedValue { clients -> SplatHTTPClient in
            if let existing = clients[member.id] { return existing }
            clients[member.id] = client
            return client
        }
        if kept !== client { Task { await client.close() } }
        return kept
    }

    @inline(never)
    private func drop(_ member: RemoteMember) {
        if let dropped = clients.withLockedValue({ $0.removeValue(forKey: member.id) }) { Task { await dropped.close() } }
    }

    /// Logs when the member rendering `user`'s relayed view changes.
    @inline(never)
    private func note(user: String, placedOn: String, renderedBy: String, slot: UInt64) {
        let previous = self.renderedBy.withLockedValue { known in
            let previous = known[user]
            known[user] = renderedBy
            return previous
        }
        guard previous != renderedBy else { return }
        logger.info(
            "cluster view forwarded",
            metadata: [
                "user": "\(user)", "placed_on": "\(placedOn)", "rendered_by": "\(renderedBy)", "slot": "\(slot)",
            ])
    }

    @inline(never)
    private static func requestBody(user: String, pose: Pose, slot: UInt64, size: ImageSize) -> [UInt8]? {
        (try? JSONEncoder().encode(RemoteViewRequest(user: user, slot: slot, pose: pose, size: size))).map(Array.init)
    }

    @inline(never)
    private static func view(from response: SplatHTTPClient.Response?) -> RelayedView? {
        guard let response, response.status == 200 else { return nil }
        return RelayedView(png: Data(response.body.readableBytesView), renderedBy: response.headers.first(name: "splatedge-rendered-by") ?? "")
    }

    /// Closes every peer connection.
    func close() async {
        let open = clients.withLockedValue { clients in
            let open = Array(clients.values)
            clients = [:]
            return open
        }
        for client in open { await client.close() }
    }
}

/// A member that computes some of this daemon's users' views, and where to reach it.
struct RemoteMember: Sendable, Equatable {
    var id: String
    var address: String
}

/// A view another member rendered: the PNG and the id the renderer put in its answer.
struct RelayedView: Sendable {
    var png: Data
    var renderedBy: String
}
