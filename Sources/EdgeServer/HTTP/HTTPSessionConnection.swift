import NIOConcurrencyHelpers
import NIOCore
import Protocol

/// The session "connection" of an HTTP/2 client. Messages from the server (SCHEDULE, FRAME,
/// BYE, …) go to the client's event stream (`GET /v1/sessions/{client}/events`) while one is
/// open; otherwise they wait in a bounded inbox that the client drains with
/// `GET /v1/sessions/{client}/messages` (or that the next event stream delivers first).
final class HTTPSessionConnection: SessionConnection {
    private static let counter = NIOLockedValueBox(UInt64(1) << 63)  // disjoint from binary ids

    let connectionID: UInt64
    /// Polled while no event stream is open: only then must the registry watch its idleness
    /// (an open stream ends, and detaches nothing, when the client's connection drops).
    var isPolled: Bool { state.withLockedValue { $0.stream == nil } }
    private let capacity: Int
    private let metrics: ServerMetrics
    private let state = NIOLockedValueBox(State())

    private struct State {
        var inbox: [Message] = []
        var stream: HTTPStreamWriter?
    }

    init(capacity: Int, metrics: ServerMetrics) {
        self.capacity = capacity
        self.metrics = metrics
        connectionID = Self.counter.withLockedValue { value in
            value += 1
            return value
        }
    }

    /// Writes a message to the event stream, or queues it; when no one listens and the inbox
    /// is full, the oldest message is dropped and counted (`edge_http_inbox_dropped_total`).
    func send(_ message: Message) {
        let dropped = state.withLockedValue { state -> Bool in
            // Written under the lock, so that a stream being opened cannot overtake this message.
            if let stream = state.stream {
                write(message, to: stream)
                return false
            }
            state.inbox.append(message)
            guard state.inbox.count > capacity else { return false }
            state.inbox.removeFirst()
            return true
        }
        if dropped { metrics.httpInboxDropped.increment() }
    }

    func close(reason: String) {
        send(.bye(Bye(reason: .replaced, message: reason)))
    }

    /// The daemon is shutting down: BYE(shutting_down) to the event stream, which then ends (or
    /// to the inbox, for a polling client).
    func sayGoodbyeForShutdown() {
        let bye = Message.bye(Bye(reason: .shuttingDown, message: "the server is shutting down"))
        state.withLockedValue { state in
            guard let stream = state.stream else {
                state.inbox.append(bye)
                return
            }
            write(bye, to: stream)
            stream.finish()
            state.stream = nil
        }
    }

    /// Everything queued, oldest first; the inbox is empty afterwards.
    func drain() -> [Message] {
        state.withLockedValue { state in
            defer { state.inbox.removeAll() }
            return state.inbox
        }
    }

    /// Makes `stream` the session's event stream (replacing an older one): the queued messages
    /// are written to it first, then every message as it is sent.
    func attach(_ stream: HTTPStreamWriter) {
        state.withLockedValue { state in
            for message in state.inbox { write(message, to: stream) }
            state.inbox.removeAll()
            state.stream = stream
        }
    }

    /// Stops writing to `stream` if it is still the event stream; messages queue again.
    func detach(_ stream: HTTPStreamWriter) {
        state.withLockedValue { state in
            if state.stream === stream { state.stream = nil }
        }
    }

    private func write(_ message: Message, to stream: HTTPStreamWriter) {
        var frame = ByteBuffer()
        do {
            try frame.writeWireFrame(WireFrame(message: message))
        } catch {
            // Messages the daemon builds always encode; count rather than crash if one does not.
            metrics.httpInboxDropped.increment()
            return
        }
        stream.write(frame)
    }
}
