import NIOCore

/// Closes an HTTP-port connection on which nothing was read or written for the idle timeout,
/// from the moment it is accepted: a peer that never finishes the preface, a TLS handshake or an
/// HTTP/1.1 request, or keeps an HTTP/1.1 connection open silently, cannot hold it for ever.
///
/// HTTP/2 connections remove it once detected: there the connection manager's idle timer (no
/// open stream for the timeout) applies, so that an event stream that is only written to — or
/// quiet for a while — is not cut.
final class HTTPConnectionIdleHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = Any
    typealias OutboundIn = Any

    /// The handler's name in the pipeline, for removal.
    static let name = "splatedge-idle"

    private let deadline: IdleDeadline

    init(timeout: TimeAmount) { deadline = IdleDeadline(timeout: timeout) }

    func handlerAdded(context: ChannelHandlerContext) {
        deadline.touch()
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        deadline.arm(on: context.eventLoop) { bound.value.close(promise: nil) }
    }

    func handlerRemoved(context: ChannelHandlerContext) { deadline.cancel() }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        deadline.touch()
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        deadline.touch()
        context.write(data, promise: promise)
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline.cancel()
        context.fireChannelInactive()
    }
}
