import NIOConcurrencyHelpers
import Protocol

/// The session "connection" of an HTTP/2 client: there is no socket to push to, so messages
/// from the server (SCHEDULE, FRAME, BYE, …) wait in a bounded inbox that the client drains
/// with `GET /v1/sessions/{client}/messages`.
final class HTTPSessionConnection: SessionConnection {
    private static let counter = NIOLockedValueBox(UInt64(1) << 63)  // disjoint from binary ids

    let connectionID: UInt64
    var isPolled: Bool { true }
    private let capacity: Int
    private let metrics: ServerMetrics
    private let inbox = NIOLockedValueBox([Message]())

    init(capacity: Int, metrics: ServerMetrics) {
        self.capacity = capacity
        self.metrics = metrics
        connectionID = Self.counter.withLockedValue { value in
            value += 1
            return value
        }
    }

    /// Queues a message; when the client stopped polling and the inbox is full, the oldest
    /// message is dropped and counted (`edge_http_inbox_dropped_total`).
    func send(_ message: Message) {
        let dropped = inbox.withLockedValue { inbox -> Bool in
            inbox.append(message)
            guard inbox.count > capacity else { return false }
            inbox.removeFirst()
            return true
        }
        if dropped { metrics.httpInboxDropped.increment() }
    }

    func close(reason: String) {
        send(.bye(Bye(reason: .replaced, message: reason)))
    }

    /// Everything queued, oldest first; the inbox is empty afterwards.
    func drain() -> [Message] {
        inbox.withLockedValue { inbox in
            defer { inbox.removeAll() }
            return inbox
        }
    }
}
