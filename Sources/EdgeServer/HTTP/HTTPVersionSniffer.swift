import NIOCore

/// On the plaintext port, tells an HTTP/2 prior-knowledge client (whose first bytes are the
/// connection preface `PRI * HTTP/2.0…`) from an HTTP/1.1 client, configures the matching
/// pipeline behind itself, replays the bytes it read and removes itself.
final class HTTPVersionSniffer: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// Configures the pipeline for the detected protocol (`true` = HTTP/2).
    typealias Configurator = (Channel, _ http2: Bool) throws -> Void

    private static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)
    private let configure: Configurator
    private var buffered: ByteBuffer?

    init(configure: @escaping Configurator) {
        self.configure = configure
    }

    /// A drain closes connections whose protocol is not known yet: there is no request to finish.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        if buffered == nil {
            buffered = incoming
        } else {
            buffered!.writeBuffer(&incoming)
        }
        let bytes = buffered!.readableBytesView
        let compared = min(bytes.count, Self.preface.count)
        let matches = bytes.prefix(compared).elementsEqual(Self.preface.prefix(compared))
        guard !matches || compared == Self.preface.count else { return }  // need more bytes
        do {
            try configure(context.channel, matches)
        } catch {
            context.fireErrorCaught(error)
            context.close(promise: nil)
            return
        }
        let replay = buffered!
        buffered = nil
        context.fireChannelRead(wrapInboundOut(replay))
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}
