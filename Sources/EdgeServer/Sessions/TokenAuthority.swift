import Crypto

/// Finds the grant of a presented token without leaking, through timing, how much of a guess
/// was right or which token it resembled.
///
/// Both sides are hashed to fixed-length SHA-256 digests first (so lengths leak nothing either),
/// and every configured token is compared with a branch-free byte loop — no early exit, and the
/// matching grant is selected by mask, not by a branch on the comparison.
struct TokenAuthority: Sendable {
    private let grants: [TokenGrant]
    private let digests: [[UInt8]]
    private let allowAnonymous: Bool

    init(grants: [TokenGrant], allowAnonymous: Bool) {
        self.grants = grants
        digests = grants.map { Array(SHA256.hash(data: Array($0.token.utf8))) }
        self.allowAnonymous = allowAnonymous
    }

    init(configuration: ServerConfiguration) {
        self.init(grants: configuration.grants, allowAnonymous: configuration.allowAnonymous)
    }

    /// The grant `token` (empty = missing) carries, or nil when it opens nothing. An anonymous
    /// daemon grants a missing token every client id and role.
    func grant(for token: String) -> TokenGrant? {
        if token.isEmpty { return allowAnonymous ? .unrestricted("") : nil }
        // Every HTTP request on a protected route passes here: the token's bytes are hashed
        // in place and the digest compared without copying either into an array.
        var token = token
        let candidate = token.withUTF8 { SHA256.hash(data: UnsafeRawBufferPointer($0)) }
        var found = -1
        candidate.withUnsafeBytes { candidate in
            for (index, digest) in digests.enumerated() {
                // mask is all ones when equal, zero otherwise; a later equal token (a duplicate)
                // would select the same secret, so which one wins does not matter.
                let mask = -Int(Self.equalBit(digest, candidate))
                found = (index & mask) | (found & ~mask)
            }
        }
        return found >= 0 ? grants[found] : nil
    }

    /// Whether `token` may use `clientID` (any role): HTTP routes named by a client id.
    func authorizes(_ token: String, clientID: String) -> Bool {
        grant(for: token)?.allows(clientID: clientID) ?? false
    }

    /// 1 when equal, 0 otherwise, touching every byte.
    private static func equalBit(_ a: [UInt8], _ b: UnsafeRawBufferPointer) -> UInt8 {
        var difference: UInt8 = 0
        for index in 0..<a.count { difference |= a[index] ^ b[index] }
        return difference == 0 ? 1 : 0
    }
}
