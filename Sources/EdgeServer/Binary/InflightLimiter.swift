import NIOConcurrencyHelpers
import NIOCore
import Protocol

/// Bounds the bytes a connection has received but its session has not yet processed
/// (``ServerConfiguration/Limits/sessionInflightBytes``).
///
/// Instead of failing a fast client, it applies back-pressure: while the bound is exceeded the
/// handler holds the socket's `read()`, so the kernel's receive window fills and TCP slows the
/// sender down; ``release(_:)`` (called by the connection task after each frame) resumes reading.
final class InflightLimiter: ChannelDuplexHandler, @unchecked Sendable {
    // @unchecked: every stored property except `ledger` is touched only on the event loop;
    // `ledger` is a lock-protected box shared with the connection task.
    typealias InboundIn = WireFrame
    typealias InboundOut = WireFrame
    typealias OutboundIn = Any
    typealias OutboundOut = Any

    private struct Ledger {
        var inflight = 0
        var readHeld = false
    }

    private let limit: Int
    private let ledger = NIOLockedValueBox(Ledger())
    private var context: ChannelHandlerContext?

    init(limit: Int) { self.limit = limit }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        let size = WireFrame.headerLength + frame.message.payloadSizeEstimate
        ledger.withLockedValue { $0.inflight += size }
        context.fireChannelRead(data)
    }

    func read(context: ChannelHandlerContext) {
        let hold = ledger.withLockedValue { ledger -> Bool in
            ledger.readHeld = ledger.inflight >= limit
            return ledger.readHeld
        }
        if !hold { context.read() }
    }

    /// The connection finished processing a frame of `size` bytes.
    func release(_ size: Int, on eventLoop: any EventLoop) {
        let resume = ledger.withLockedValue { ledger -> Bool in
            ledger.inflight -= size
            guard ledger.readHeld, ledger.inflight < limit else { return false }
            ledger.readHeld = false
            return true
        }
        guard resume else { return }
        let loopBound = NIOLoopBound(self, eventLoop: eventLoop)
        eventLoop.execute { loopBound.value.context?.read() }
    }
}

extension Message {
    /// Approximate payload bytes: exact for the large variable parts (chunks, images, frames),
    /// a small constant otherwise; used only for back-pressure accounting, both ways.
    var payloadSizeEstimate: Int {
        switch self {
        case .uploadChunk(let chunk): 20 + chunk.data.readableBytes
        case .image(let image): 64 + image.image.bytes.readableBytes
        case .frame(let frame): 64 + frame.image.bytes.readableBytes
        default: 64
        }
    }
}
