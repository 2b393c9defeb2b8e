import Testing

@testable import EdgeServer

@Suite("RequestTarget: path, segments and query split on bytes")
struct RequestTargetTests {
    @Test(
        "segments are the non-empty runs between slashes, before the first question mark",
        arguments: [
            ("/v1/uploads/a/b", "/v1/uploads/a/b", ["v1", "uploads", "a", "b"], nil),
            ("/healthz/", "/healthz/", ["healthz"], nil),
            ("//healthz", "//healthz", ["healthz"], nil),
            ("/", "/", [], nil),
            ("", "", [], nil),
            ("/v1/status?verbose=1&x", "/v1/status", ["v1", "status"], "verbose=1&x"),
            ("/a?b/c?d", "/a", ["a"], "b/c?d"),
            ("/?", "/", [], ""),
            ("/ü/é%20x/😀", "/ü/é%20x/😀", ["ü", "é%20x", "😀"], nil),
        ] as [(String, String, [String], String?)])
    func splits(uri: String, path: String, segments: [String], query: String?) {
        let target = RequestTarget(uri)
        #expect(target.uri == uri)
        #expect(target.path == path[...])
        #expect(target.segments.map(String.init) == segments)
        #expect(target.query.map(String.init) == query)
    }

    @Test("segments agree with String.split on a seeded sample of ASCII paths")
    func agreesWithSplit() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let alphabet = Array("/ab?=&.-_%")
        for _ in 0..<2_000 {
            var uri = ""
            for _ in 0..<Int(state % 24) {
                // xorshift64 (Marsaglia 2003): a fixed sample, the same on every run.
                state ^= state << 13
                state ^= state >> 7
                state ^= state << 17
                uri.append(alphabet[Int(state % UInt64(alphabet.count))])
            }
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            let target = RequestTarget(uri)
            let path = uri.prefix { $0 != "?" }
            #expect(target.path == path)
            #expect(target.segments == path.split(separator: "/"), "\(uri)")
        }
    }
}
