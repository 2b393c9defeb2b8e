import CNGHTTP2
import NGHTTP2Support
import NIOCore
import NIOHTTP1

/// The C side of ``NGHTTP2ConnectionHandler``: the session's construction (callbacks, abuse
/// limits) and the calls that pass Swift values to nghttp2.
///
/// Every callback gets the handler back from `user_data` (unretained: see the handler's
/// lifetime note) and returns 0, or `NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE` to reset the one
/// stream concerned (nghttp2 answers RST_STREAM INTERNAL_ERROR, RFC 9113 §5.4.2).
enum NGHTTP2Callbacks {
    private static let streamFailure = Int32(NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue)

    private static func handler(_ userData: UnsafeMutableRawPointer?) -> NGHTTP2ConnectionHandler {
        Unmanaged<NGHTTP2ConnectionHandler>.fromOpaque(userData!).takeUnretainedValue()
    }

    private static func isRequestHeaders(_ frame: UnsafePointer<nghttp2_frame>) -> Bool {
        UInt32(frame.pointee.hd.type) == NGHTTP2_HEADERS.rawValue && frame.pointee.headers.cat == NGHTTP2_HCAT_REQUEST
    }

    /// A server session whose `user_data` is `userData`, or nil when nghttp2 cannot allocate one.
    static func makeServerSession(userData: UnsafeMutableRawPointer) -> OpaquePointer? {
        var callbacks: OpaquePointer?
        guard nghttp2_session_callbacks_new(&callbacks) == 0, let callbacks else { return nil }
        defer { nghttp2_session_callbacks_del(callbacks) }
        nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks) { _, frame, userData in
            guard let frame, NGHTTP2Callbacks.isRequestHeaders(frame) else { return 0 }
            NGHTTP2Callbacks.handler(userData).beginStream(frame.pointee.hd.stream_id)
            return 0
        }
        nghttp2_session_callbacks_set_on_header_callback(callbacks) { _, frame, name, nameLength, value, valueLength, _, userData in
            guard let frame, NGHTTP2Callbacks.isRequestHeaders(frame), let name, let value else { return 0 }
            let connection = NGHTTP2Callbacks.handler(userData)
            guard let stream = connection.stream(frame.pointee.hd.stream_id) else { return 0 }
            let accepted = stream.addField(
                name: UnsafeBufferPointer(start: name, count: nameLength), value: UnsafeBufferPointer(start: value, count: valueLength),
                limit: connection.settings.maxHeaderListBytes)
            return accepted ? 0 : NGHTTP2Callbacks.streamFailure
        }
        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks) { _, frame, userData in
            guard let frame else { return 0 }
            let type = UInt32(frame.pointee.hd.type)
            if type == NGHTTP2_PING.rawValue && frame.pointee.hd.flags & UInt8(NGHTTP2_FLAG_ACK.rawValue) != 0 {
                NGHTTP2Callbacks.handler(userData).pingAcknowledged()
                return 0
            }
            guard type == NGHTTP2_HEADERS.rawValue || type == NGHTTP2_DATA.rawValue,
                let stream = NGHTTP2Callbacks.handler(userData).stream(frame.pointee.hd.stream_id)
            else { return 0 }
            if NGHTTP2Callbacks.isRequestHeaders(frame) { stream.handler.receive(.head(stream.takeRequestHead()), target: stream) }
            if frame.pointee.hd.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0 {
                stream.handler.receive(.end(nil), target: stream)
            }
            return 0
        }
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks) { _, _, streamID, data, length, userData in
            guard let data, let stream = NGHTTP2Callbacks.handler(userData).stream(streamID) else { return 0 }
            // The chunk is nghttp2's memory, valid during this call only: copied.
            stream.handler.receive(.body(ByteBuffer(bytes: UnsafeBufferPointer(start: data, count: length))), target: stream)
            return 0
        }
        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks) { _, streamID, _, userData in
            NGHTTP2Callbacks.handler(userData).closeStream(streamID)
            return 0
        }

        var option: OpaquePointer?
        guard nghttp2_option_new(&option) == 0, let option else { return nil }
        defer { nghttp2_option_del(option) }
        typealias Limits = NGHTTP2ConnectionHandler.Limits
        nghttp2_option_set_max_settings(option, Limits.maxSettings)
        nghttp2_option_set_max_outbound_ack(option, Limits.maxOutboundAcks)
        nghttp2_option_set_stream_reset_rate_limit(option, Limits.resetBurst, Limits.resetsPerSecond)
        nghttp2_option_set_max_continuations(option, Limits.maxContinuations)

        var session: OpaquePointer?
        guard nghttp2_session_server_new2(&session, callbacks, userData, option) == 0 else { return nil }
        return session
    }

    /// Submits a response's HEADERS (`:status` first, then the head's fields as
    /// ``NGHTTP2HeaderBlock`` lays them out) and, with `hasBody`, a data provider that pulls from
    /// the stream. nghttp2 copies the header fields and the provider during the call.
    static func submitResponse(session: OpaquePointer, streamID: Int32, head: HTTPResponseHead, hasBody: Bool) {
        var block = NGHTTP2HeaderBlock(fields: head.headers.count + 1)
        block.append(":status", String(head.status.code))
        for (name, value) in head.headers { block.append(name, value) }
        block.withNameValues { list, count in
            if hasBody {
                var provider = nghttp2_data_provider(source: nghttp2_data_source(ptr: nil), read_callback: NGHTTP2Callbacks.readResponse)
                nghttp2_submit_response(session, streamID, list, count, &provider)
            } else {
                nghttp2_submit_response(session, streamID, list, count, nil)
            }
        }
    }

    /// The data provider's read callback: the stream's queued bytes, by stream id.
    private static let readResponse: nghttp2_data_source_read_callback = { _, streamID, buffer, length, flags, _, userData in
        guard let buffer, let flags, let stream = NGHTTP2Callbacks.handler(userData).stream(streamID) else {
            return Int(NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue)
        }
        return stream.read(into: buffer, length: length, flags: flags)
    }
}
