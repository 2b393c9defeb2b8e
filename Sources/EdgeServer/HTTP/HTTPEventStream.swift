import NIOCore
import NIOHTTP1

/// A long-lived response: the head is written at once, then the body grows by chunks written
/// whenever the producer has something to say, until the client ends the stream (or its
/// connection). Over HTTP/2 it is one stream of DATA frames; over HTTP/1.1, a chunked body.
struct HTTPEventStream: Sendable {
    /// Status and headers (the body is ignored: chunks come from the producer).
    var head: HTTPResponse
    /// Called on the stream's event loop once the head is written; returns what to call when
    /// the stream ends.
    var open: @Sendable (HTTPStreamWriter) -> @Sendable () -> Void
}

/// Writes body chunks of an ``HTTPEventStream`` from any thread.
///
/// Every write hops to the stream's event loop through `execute`, so chunks arrive in the order
/// ``write(_:)`` was called. A chunk the stream cannot take — the stream ended, or its flow
/// control window is exhausted because the client stopped reading — is dropped and reported
/// to `onDrop` rather than queued without bound.
final class HTTPStreamWriter: Sendable {
    fileprivate let target: NIOLoopBound<any HTTPResponseTarget>
    private let onDrop: @Sendable () -> Void

    init(target: any HTTPResponseTarget, onDrop: @escaping @Sendable () -> Void) {
        self.target = NIOLoopBound(target, eventLoop: target.eventLoop)
        self.onDrop = onDrop
    }

    func write(_ chunk: ByteBuffer) {
        let (target, onDrop) = (self.target, self.onDrop)
        target.eventLoop.execute {
            let target = target.value
            guard target.isActive, target.isWritable else {
                onDrop()
                return
            }
            target.write(.body(.byteBuffer(chunk)), flush: true, promise: nil)
        }
    }
}

extension HTTPStreamWriter {
    /// Ends the response (END_STREAM over HTTP/2, the last chunk over HTTP/1.1) after the
    /// chunks written before it.
    func finish() {
        let target = self.target
        target.eventLoop.execute {
            let target = target.value
            guard target.isActive else { return }
            target.write(.end(nil), flush: true, promise: nil)
        }
    }
}
