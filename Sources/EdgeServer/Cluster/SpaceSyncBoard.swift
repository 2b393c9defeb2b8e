import Foundation
import NIOConcurrencyHelpers
import NIOCore
import Protocol

/// The receiving side of space synchronisation: answers `POST /v1/sync` from the other replicas
/// of a space, keeping the latest poses each sent for it (the replica's copy of the space's
/// state) and counting what arrived.
final class SpaceSyncBoard: Sendable {
    /// What the other replicas sent, by space, then sending member.
    struct Received: Sendable, Equatable {
        var poses: [Int: [String: [SpaceSyncMessage.Entry]]] = [:]
        var messages = 0
        var bytes = 0
    }

    private let state = NIOLockedValueBox(Received())

    init() {}

    /// Everything received so far.
    var received: Received { state.withLockedValue { $0 } }

    /// The answer to one request body: 200 once stored, 400 when it is not a valid message.
    func respond(to body: ByteBuffer) -> HTTPResponse {
        guard let message = try? JSONDecoder().decode(SpaceSyncMessage.self, from: Data(body.readableBytesView)), message.isValid else {
            return HTTPSessionRoutes.errorPayload(
                ProtocolError(.invalidValue, "body is not a sync message (JSON from, space ≥ 0, poses[{user, pose[7]}])"), status: .badRequest)
        }
        let size = body.readableBytes
        state.withLockedValue { state in
            state.poses[message.space, default: [:]][message.from] = message.poses
            state.messages += 1
            state.bytes += size
        }
        return .text(.ok, "stored\n")
    }
}
