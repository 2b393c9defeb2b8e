import NIOCore

/// A channel handler whose connection is an nghttp2 session driven by an
/// ``NGHTTP2SessionDriver`` — the daemon's server connections and `SplatHTTPClient`'s. The
/// channel events are answered the same way for both: bytes read go to nghttp2 (a fatal error
/// sends what nghttp2 queued, GOAWAY where it could, and closes), frames go out when a read
/// completes, the channel becomes active or writable again, and the session ends with the
/// channel or the handler.
public protocol NGHTTP2DrivenHandler: ChannelInboundHandler where InboundIn == ByteBuffer {
    /// The session's driver.
    var driver: NGHTTP2SessionDriver { get }
    /// Sends what nghttp2 has queued (and closes the channel when the connection is over).
    func sendQueuedFrames()
    /// Ends the session and what depends on it (its streams, its requests in flight).
    func endSession()
}

extension NGHTTP2DrivenHandler {
    /// Whether the session may be deleted now. Inside a call into nghttp2 it may not (the
    /// library is still using it): then ``endSession()`` is called again on `eventLoop` once
    /// that call has returned, and this answers false.
    public func sessionCanEnd(on eventLoop: any EventLoop) -> Bool {
        guard driver.inSession else { return true }
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        eventLoop.execute { bound.value.endSession() }
        return false
    }

    public func handlerRemoved(context: ChannelHandlerContext) { endSession() }

    public func channelActive(context: ChannelHandlerContext) {
        sendQueuedFrames()
        context.fireChannelActive()
    }

    public func channelInactive(context: ChannelHandlerContext) {
        endSession()
        context.fireChannelInactive()
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !driver.receive(unwrapInboundIn(data)) else { return }
        sendQueuedFrames()
        context.close(promise: nil)
    }

    public func channelReadComplete(context: ChannelHandlerContext) {
        if driver.readComplete() { sendQueuedFrames() }
        context.fireChannelReadComplete()
    }

    public func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { sendQueuedFrames() }
        context.fireChannelWritabilityChanged()
    }
}
