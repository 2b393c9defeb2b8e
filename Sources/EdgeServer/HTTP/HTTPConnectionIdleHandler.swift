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

    private let timeout: TimeAmount
    private var lastActivity = NIODeadline.now()
    private var timer: Scheduled<Void>?

    init(timeout: TimeAmount) { self.timeout = timeout }

    func handlerAdded(context: ChannelHandlerContext) {
        lastActivity = .now()
        schedule(context: context, in: timeout)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        lastActivity = .now()
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        lastActivity = .now()
        context.write(data, promise: promise)
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    /// One timer per connection, re-armed lazily when it fires, instead of one per read.
    private func schedule(context: ChannelHandlerContext, in delay: TimeAmount) {
        guard timer == nil else { return }
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: delay) {
            let (handler, context) = loopBound.value
            handler.timer = nil
            let silent = NIODeadline.now() - handler.lastActivity
            if silent >= handler.timeout {
                context.close(promise: nil)
            } else {
                handler.schedule(context: context, in: handler.timeout - silent)
            }
        }
    }
}
