import NIOCore
import Protocol

/// Closes a connection that sent nothing for the idle timeout, after telling the peer why
/// (`ERROR idle_timeout`, then `BYE idle_timeout`). The session itself stays resumable for the
/// resume grace window.
final class IdleTimeoutHandler: ChannelDuplexHandler {
    typealias InboundIn = WireFrame
    typealias InboundOut = WireFrame
    typealias OutboundIn = Any
    typealias OutboundOut = WireFrame

    private let timeout: TimeAmount
    private var lastRead = NIODeadline.now()
    private var timer: Scheduled<Void>?

    init(timeout: TimeAmount) { self.timeout = timeout }

    func channelActive(context: ChannelHandlerContext) {
        lastRead = .now()
        schedule(context: context, in: timeout)
        context.fireChannelActive()
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { schedule(context: context, in: timeout) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // One timer per connection, re-armed lazily when it fires, instead of one per frame.
        lastRead = .now()
        context.fireChannelRead(data)
    }

    private func schedule(context: ChannelHandlerContext, in delay: TimeAmount) {
        guard timer == nil else { return }
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: delay) {
            let (handler, context) = loopBound.value
            handler.timer = nil
            handler.fire(context: context)
        }
    }

    private func fire(context: ChannelHandlerContext) {
        let silent = NIODeadline.now() - lastRead
        guard silent >= timeout else {
            schedule(context: context, in: timeout - silent)
            return
        }
        let error = ProtocolError(.idleTimeout, "no frame for \(timeout.nanoseconds / 1_000_000) ms")
        context.write(wrapOutboundOut(WireFrame(message: .error(error))), promise: nil)
        context.writeAndFlush(
            wrapOutboundOut(WireFrame(message: .bye(Bye(reason: .idleTimeout, message: error.message)))), promise: nil)
        context.close(promise: nil)
    }
}
