import SeededRandom

/// Raw HTTP/2 frames (RFC 9113 §4.1) for driving a server connection byte by byte: valid
/// requests, and the abuse a peer can send — malformed frames, HPACK bombs, SETTINGS floods,
/// rapid reset, flow-control window abuse. Seeded: a failing run replays exactly.
struct H2FrameFuzzer {
    /// Frame types (RFC 9113 §6).
    enum FrameType: UInt8 {
        case data = 0, headers, priority, rstStream, settings, pushPromise, ping, goAway, windowUpdate, continuation
    }

    static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)
    static let endStream: UInt8 = 0x1
    static let endHeaders: UInt8 = 0x4

    private var random: SeededGenerator
    /// The next client stream id (odd, increasing: RFC 9113 §5.1.1).
    private(set) var nextStream: UInt32 = 1

    init(seed: UInt64) { random = SeededGenerator(seed: seed) }

    /// A frame: 9-byte header, then the payload.
    static func frame(_ type: UInt8, flags: UInt8 = 0, stream: UInt32, _ payload: [UInt8] = []) -> [UInt8] {
        let length = payload.count
        return [UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff), UInt8(length & 0xff), type, flags]
            + be32(stream & 0x7fff_ffff) + payload
    }

    static func be32(_ value: UInt32) -> [UInt8] { [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)] }

    /// An HPACK string literal without Huffman coding (RFC 7541 §5.2; lengths below 127).
    static func string(_ text: String) -> [UInt8] { [UInt8(text.utf8.count)] + Array(text.utf8) }

    /// A request header block: `:method` and `:scheme http` from the static table, `:path` and
    /// `:authority` as literals with an indexed name (RFC 7541 §6.2.2, Appendix A).
    static func requestBlock(method: String = "GET", path: String) -> [UInt8] {
        let methodField: [UInt8] = method == "GET" ? [0x82] : method == "POST" ? [0x83] : [0x02] + string(method)
        return methodField + [0x86] + [0x04] + string(path) + [0x01] + string("localhost")
    }

    static func settings(_ entries: [(UInt16, UInt32)] = [], ack: Bool = false) -> [UInt8] {
        frame(FrameType.settings.rawValue, flags: ack ? 1 : 0, stream: 0, entries.flatMap { [UInt8($0.0 >> 8), UInt8($0.0 & 0xff)] + be32($0.1) })
    }

    static func windowUpdate(stream: UInt32, increment: UInt32) -> [UInt8] {
        frame(FrameType.windowUpdate.rawValue, stream: stream, be32(increment))
    }

    static func rstStream(_ stream: UInt32, code: UInt32 = 0x8) -> [UInt8] { frame(FrameType.rstStream.rawValue, stream: stream, be32(code)) }

    /// The client's side of a connection's start: preface and an empty SETTINGS frame.
    static var opening: [UInt8] { preface + settings() }

    /// A new request stream: HEADERS (END_HEADERS, and END_STREAM when bodiless).
    mutating func request(method: String = "GET", path: String, body: [UInt8]? = nil) -> [UInt8] {
        let stream = takeStream()
        var bytes = Self.frame(
            FrameType.headers.rawValue, flags: Self.endHeaders | (body == nil ? Self.endStream : 0), stream: stream,
            Self.requestBlock(method: method, path: path))
        if let body { bytes += Self.frame(FrameType.data.rawValue, flags: Self.endStream, stream: stream, body) }
        return bytes
    }

    /// A new stream whose request never ends (HEADERS without END_STREAM).
    mutating func unfinishedRequest(path: String) -> (stream: UInt32, bytes: [UInt8]) {
        let stream = takeStream()
        return (stream, Self.frame(FrameType.headers.rawValue, flags: Self.endHeaders, stream: stream, Self.requestBlock(path: path)))
    }

    mutating func takeStream() -> UInt32 {
        defer { nextStream += 2 }
        return nextStream
    }

    /// An HPACK bomb (RFC 7541 §7.3): one large value entered into the dynamic table, then
    /// referenced again and again, so that a small header block decodes to far more than
    /// SETTINGS_MAX_HEADER_LIST_SIZE.
    mutating func hpackBomb(references: Int = 400) -> [UInt8] {
        let value = String(repeating: "b", count: 4_000)
        // Literal with incremental indexing, new name (0x40); the value's length needs the
        // multi-byte integer form (RFC 7541 §5.1): 4000 = 127 + 3873.
        var block = Self.requestBlock(path: "/healthz") + [0x40] + Self.string("x-bomb")
        block += [0x7f, UInt8(0x80 | (3873 & 0x7f)), UInt8(3873 >> 7)] + Array(value.utf8)
        // Indexed field 62 (the first dynamic entry) repeated.
        block += [UInt8](repeating: 0x80 | 62, count: references)
        return Self.frame(FrameType.headers.rawValue, flags: Self.endHeaders | Self.endStream, stream: takeStream(), block)
    }

    /// One frame drawn from the mix: requests, control frames, and malformed or abusive ones.
    mutating func next() -> [UInt8] {
        let open = nextStream > 1 ? nextStream - 2 : 1
        switch random.next() % 16 {
        case 0, 1, 2: return request(path: ["/healthz", "/metrics", "/nope", "/v1/status"][Int(random.next() % 4)])
        case 3: return request(method: "POST", path: "/v1/sessions", body: bytes(Int(random.next() % 512)))
        case 4: return Self.settings([(UInt16(random.next() % 10), UInt32(truncatingIfNeeded: random.next()))])
        case 5: return Self.frame(FrameType.ping.rawValue, stream: 0, bytes(8))
        case 6:
            return Self.windowUpdate(stream: random.next() % 2 == 0 ? 0 : open, increment: UInt32(truncatingIfNeeded: random.next()) & 0x7fff_ffff)
        case 7: return Self.rstStream(open, code: UInt32(random.next() % 16))
        case 8: return Self.frame(FrameType.priority.rawValue, stream: open, bytes(5))
        case 9: return Self.frame(FrameType.data.rawValue, flags: UInt8(random.next() % 2), stream: open, bytes(Int(random.next() % 300)))
        case 10: return Self.frame(FrameType.continuation.rawValue, stream: open, bytes(Int(random.next() % 40)))
        case 11: return hpackBomb(references: Int(random.next() % 200))
        case 12: return request(path: "/healthz") + Self.rstStream(nextStream - 2)
        default:
            // Any type (known or not, RFC 9113 §5.5), flags, stream and payload.
            return Self.frame(
                UInt8(random.next() % 12), flags: UInt8(truncatingIfNeeded: random.next()),
                stream: UInt32(truncatingIfNeeded: random.next()) % 16, bytes(Int(random.next() % 64)))
        }
    }

    private mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in UInt8(truncatingIfNeeded: random.next()) } }
}

/// The frames a server wrote, parsed from its byte stream.
struct H2Frames {
    struct Frame {
        var type: UInt8
        var flags: UInt8
        var stream: UInt32
        var payload: [UInt8]
    }

    private(set) var frames: [Frame] = []
    private var pending: [UInt8] = []

    mutating func append(_ bytes: [UInt8]) {
        pending += bytes
        while pending.count >= 9 {
            let length = Int(pending[0]) << 16 | Int(pending[1]) << 8 | Int(pending[2])
            guard pending.count >= 9 + length else { return }
            let stream = UInt32(pending[5]) << 24 | UInt32(pending[6]) << 16 | UInt32(pending[7]) << 8 | UInt32(pending[8])
            frames.append(Frame(type: pending[3], flags: pending[4], stream: stream & 0x7fff_ffff, payload: Array(pending[9..<9 + length])))
            pending.removeFirst(9 + length)
        }
    }

    /// The error code of the first GOAWAY frame (RFC 9113 §6.8), if any.
    var goAwayError: UInt32? {
        guard let frame = frames.first(where: { $0.type == H2FrameFuzzer.FrameType.goAway.rawValue }), frame.payload.count >= 8 else { return nil }
        return frame.payload[4..<8].reduce(0) { $0 << 8 | UInt32($1) }
    }
}
