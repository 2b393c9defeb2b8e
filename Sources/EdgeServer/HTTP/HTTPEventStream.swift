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
    fileprivate let context: NIOLoopBound<ChannelHandlerContext>
    private let onDrop: @Sendable () -> Void

    init(context: ChannelHandlerContext, onDrop: @escaping @Sendable () -> Void) {
        self.context = NIOLoopBound(context, eventLoop: context.eventLoop)
        self.onDrop = onDrop
    }

    func write(_ chunk: ByteBuffer) {
        let (context, onDrop) = (self.context, self.onDrop)
        context.eventLoop.execute {
            let context = context.value
            guard context.channel.isActive, context.channel.isWritable else {
                onDrop()
                return
            }
            context.writeAndFlush(NIOAny(HTTPServerResponsePart.body(.byteBuffer(chunk))), promise: nil)
        }
    }
}

extension HTTPStreamWriter {
    /// Ends the response (END_STREAM over HTTP/2, the last chunk over HTTP/1.1) after the
    /// chunks written before it.
    func finish() {
        let context = self.context
        context.eventLoop.execute {
            let context = context.value
            guard context.channel.isActive else { return }
            context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil)), promise: nil)
        }
    }
}
