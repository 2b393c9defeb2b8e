import Crypto

/// Checks HELLO tokens against the configured ones without leaking, through timing, how much
/// of a guess was right or which token it resembled.
///
/// Both sides are hashed to fixed-length SHA-256 digests first (so lengths leak nothing either),
/// and every configured token is compared with a branch-free byte loop — no early exit.
struct TokenVerifier: Sendable {
    private let digests: [[UInt8]]
    private let allowAnonymous: Bool

    init(tokens: [String], allowAnonymous: Bool) {
        digests = tokens.map { Array(SHA256.hash(data: Array($0.utf8))) }
        self.allowAnonymous = allowAnonymous
    }

    /// Whether `token` (empty = missing) opens a session.
    func accepts(_ token: String) -> Bool {
        if token.isEmpty { return allowAnonymous }
        let candidate = Array(SHA256.hash(data: Array(token.utf8)))
        var matched: UInt8 = 0
        for digest in digests {
            matched |= Self.equalMask(digest, candidate)
        }
        return matched == 1
    }

    /// 1 when equal, 0 otherwise, touching every byte.
    private static func equalMask(_ a: [UInt8], _ b: [UInt8]) -> UInt8 {
        var difference: UInt8 = 0
        for index in 0..<a.count { difference |= a[index] ^ b[index] }
        return difference == 0 ? 1 : 0
    }
}
