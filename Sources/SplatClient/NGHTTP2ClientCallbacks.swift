import CNGHTTP2
import NIOCore

/// The C side of ``NGHTTP2ClientHandler``: the client session's construction and its
/// callbacks, each of which finds the handler through `user_data` (unretained: see the
/// handler's lifetime note) and the exchange by stream id.
enum NGHTTP2ClientCallbacks {
    private static func handler(_ userData: UnsafeMutableRawPointer?) -> NGHTTP2ClientHandler {
        Unmanaged<NGHTTP2ClientHandler>.fromOpaque(userData!).takeUnretainedValue()
    }

    private static func isResponseHeaders(_ frame: UnsafePointer<nghttp2_frame>) -> Bool {
        UInt32(frame.pointee.hd.type) == NGHTTP2_HEADERS.rawValue && frame.pointee.headers.cat == NGHTTP2_HCAT_RESPONSE
    }

    /// A client session whose `user_data` is `userData`, or nil when nghttp2 cannot allocate one.
    static func makeClientSession(userData: UnsafeMutableRawPointer) -> OpaquePointer? {
        var callbacks: OpaquePointer?
        guard nghttp2_session_callbacks_new(&callbacks) == 0, let callbacks else { return nil }
        defer { nghttp2_session_callbacks_del(callbacks) }
        nghttp2_session_callbacks_set_on_header_callback(callbacks) { _, frame, name, nameLength, value, valueLength, _, userData in
            guard let frame, NGHTTP2ClientCallbacks.isResponseHeaders(frame), let name, let value,
                let exchange = NGHTTP2ClientCallbacks.handler(userData).exchanges[frame.pointee.hd.stream_id]
            else { return 0 }
            exchange.addField(
                name: String(decoding: UnsafeBufferPointer(start: name, count: nameLength), as: UTF8.self),
                value: String(decoding: UnsafeBufferPointer(start: value, count: valueLength), as: UTF8.self))
            return 0
        }
        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks) { _, frame, userData in
            guard let frame else { return 0 }
            let type = UInt32(frame.pointee.hd.type)
            guard type == NGHTTP2_HEADERS.rawValue || type == NGHTTP2_DATA.rawValue,
                let exchange = NGHTTP2ClientCallbacks.handler(userData).exchanges[frame.pointee.hd.stream_id]
            else { return 0 }
            if NGHTTP2ClientCallbacks.isResponseHeaders(frame) { exchange.headEnded() }
            if frame.pointee.hd.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0 { exchange.responseEnded() }
            return 0
        }
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks) { _, _, streamID, data, length, userData in
            guard let data, let exchange = NGHTTP2ClientCallbacks.handler(userData).exchanges[streamID] else { return 0 }
            // The chunk is nghttp2's memory, valid during this call only: copied.
            exchange.received(ByteBuffer(bytes: UnsafeBufferPointer(start: data, count: length)))
            return 0
        }
        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks) { _, streamID, _, userData in
            NGHTTP2ClientCallbacks.handler(userData).endExchange(streamID)
            return 0
        }
        // A request whose HEADERS could not go out (the server sent GOAWAY, or the session is
        // closing) never opens a stream, so no close callback follows: it ends here.
        nghttp2_session_callbacks_set_on_frame_not_send_callback(callbacks) { _, frame, _, userData in
            guard let frame, UInt32(frame.pointee.hd.type) == NGHTTP2_HEADERS.rawValue else { return 0 }
            NGHTTP2ClientCallbacks.handler(userData).endExchange(frame.pointee.hd.stream_id)
            return 0
        }
        var session: OpaquePointer?
        guard nghttp2_session_client_new(&session, callbacks, userData) == 0 else { return nil }
        return session
    }

    /// The request body's data provider: the exchange's remaining bytes, by stream id.
    static let readRequestBody: nghttp2_data_source_read_callback = { _, streamID, buffer, length, flags, _, userData in
        guard let buffer, let flags, let exchange = NGHTTP2ClientCallbacks.handler(userData).exchanges[streamID] else {
            return Int(NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue)
        }
        let count = min(length, exchange.requestBody.readableBytes)
        exchange.requestBody.withUnsafeReadableBytes { bytes in
            if count > 0 { UnsafeMutableRawPointer(buffer).copyMemory(from: bytes.baseAddress!, byteCount: count) }
        }
        exchange.requestBody.moveReaderIndex(forwardBy: count)
        if exchange.requestBody.readableBytes == 0 { flags.pointee |= UInt32(NGHTTP2_DATA_FLAG_EOF.rawValue) }
        return count
    }
}
