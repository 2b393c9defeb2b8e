/// A request's origin-form target (RFC 9110 §7.1: `absolute-path [ "?" query ]`), split once
/// on its bytes.
///
/// The path ends at the first `?` (RFC 3986 §3.4); its segments are the runs between `/`s,
/// empty ones dropped (so `/healthz/` and `//healthz` name the same route as `/healthz`). The
/// split works on UTF-8 bytes: `/` and `?` are ASCII and never part of a multi-byte
/// sequence, so no grapheme breaking (what `String.split(separator: Character)` does) is
/// needed, and the segments are substrings of the target, not new strings.
struct RequestTarget: Sendable {
    /// The target as received.
    let uri: String
    /// The path: everything before the first `?`.
    let path: Substring
    /// The query (after the first `?`, without it); nil when the target has no `?`.
    let query: Substring?
    /// The path's non-empty segments (`/v1/uploads/a/b` → `["v1", "uploads", "a", "b"]`).
    let segments: [Substring]

    init(_ uri: String) {
        self.uri = uri
        let bytes = uri.utf8
        let mark = bytes.firstIndex(of: UInt8(ascii: "?"))
        let pathEnd = mark ?? bytes.endIndex
        path = uri[..<pathEnd]
        query = mark.map { uri[bytes.index(after: $0)...] }
        var segments: [Substring] = []
        segments.reserveCapacity(8)  // one allocation for every route's path (at most 5 segments)
        var start = bytes.startIndex
        var index = start
        while index < pathEnd {
            if bytes[index] == UInt8(ascii: "/") {
                if start < index { segments.append(uri[start..<index]) }
                start = bytes.index(after: index)
            }
            index = bytes.index(after: index)
        }
        if start < pathEnd { segments.append(uri[start..<pathEnd]) }
        self.segments = segments
    }
}
