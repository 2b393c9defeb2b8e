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
final class RemoteViews: Sendable {
    let memberID: String
    private let peerToken: String
    private let spaces: SpaceDwell
    private let logger: Logger
    private struct State {
        var placement: Placement?
        var peers: [String: String] = [:]  // member id → HTTP address
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

    func update(peers records: [MemberRecord]) {
        let peers = Dictionary(records.map { ($0.id, $0.httpAddress) }, uniquingKeysWith: { first, _ in first })
        state.withLockedValue { $0.peers = peers }
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
        let response = await Self.post(body, with: client, timeoutSeconds: timeoutSeconds)
        guard let view = Self.view(from: response) else {
            drop(member)
            return nil
        }
        note(user: user, placedOn: member.id, renderedBy: view.renderedBy, slot: slot)
        return view
    }

    private static func post(_ body: [UInt8], with client: SplatHTTPClient, timeoutSeconds: Double) async -> SplatHTTPClient.Response? {
        await withTaskGroup(of: SplatHTTPClient.Response?.self) { group in
            group.addTask { try? await client.request(.POST, "/v1/views", headers: ["content-type": "application/json"], body: body) }
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
        logger.info("cluster view forwarded", metadata: [
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
