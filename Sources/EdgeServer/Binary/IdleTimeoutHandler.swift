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

    private let deadline: IdleDeadline

    init(timeout: TimeAmount) { deadline = IdleDeadline(timeout: timeout) }

    func channelActive(context: ChannelHandlerContext) {
        deadline.touch()
        arm(context)
        context.fireChannelActive()
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadline.cancel()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        deadline.touch()
        context.fireChannelRead(data)
    }

    private func arm(_ context: ChannelHandlerContext) {
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        deadline.arm(on: context.eventLoop) {
            let (handler, context) = bound.value
            handler.expire(context: context)
        }
    }

    /// Tells the peer why, then closes.
    private func expire(context: ChannelHandlerContext) {
        let error = ProtocolError(.idleTimeout, "no frame for \(deadline.timeout.nanoseconds / 1_000_000) ms")
        context.write(wrapOutboundOut(WireFrame(message: .error(error))), promise: nil)
        context.writeAndFlush(
            wrapOutboundOut(WireFrame(message: .bye(Bye(reason: .idleTimeout, message: error.message)))), promise: nil)
        context.close(promise: nil)
    }
}
