import NIOCore
import NIOHTTP1

/// Where ``HTTPRequestHandler`` writes a response: a channel (an HTTP/1.1 connection) through
/// its handler context, or one stream of an ``NGHTTP2ConnectionHandler``. Used on the
/// target's event loop only.
protocol HTTPResponseTarget: AnyObject {
    var eventLoop: any EventLoop { get }
    /// The connection (or stream) can still take a response part.
    var isActive: Bool { get }
    /// The transport takes more bytes without queueing them (NIO writability, or the stream's
    /// bounded send queue).
    var isWritable: Bool { get }
    /// Queues a response part; `flush` sends what is queued.
    func write(_ part: HTTPServerResponsePart, flush: Bool, promise: EventLoopPromise<Void>?)
    /// Ends the connection (HTTP/1.1) or resets the stream (HTTP/2).
    func close()
}

/// A handler context as a response target.
final class ChannelContextTarget: HTTPResponseTarget {
    private let context: ChannelHandlerContext

    init(_ context: ChannelHandlerContext) { self.context = context }

    var eventLoop: any EventLoop { context.eventLoop }
    var isActive: Bool { context.channel.isActive }
    var isWritable: Bool { context.channel.isWritable }

    func write(_ part: HTTPServerResponsePart, flush: Bool, promise: EventLoopPromise<Void>?) {
        if flush {
            context.writeAndFlush(NIOAny(part), promise: promise)
        } else {
            context.write(NIOAny(part), promise: promise)
        }
    }

    func close() { context.close(promise: nil) }
}
