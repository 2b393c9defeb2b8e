import Foundation
import Crypto
import NIOConcurrencyHelpers

/// The view's cookie logins: `POST /ui/login` with a bearer token that may see every client
/// sets `splatedge_view=<id>`, a random 256-bit id (never the token itself), valid for
/// ``lifetime``. Only the ids' SHA-256 digests are kept, at most ``capacity`` of them (a new
/// login past that evicts the one closest to expiry), so logins cannot grow memory.
final class LiveViewLogins: Sendable {
    static let cookieName = "splatedge_view"
    static let lifetime: Duration = .seconds(12 * 3600)
    static let capacity = 64

    private let expiries = NIOLockedValueBox([[UInt8]: ContinuousClock.Instant]())

    /// A new login's cookie id.
    func create(now: ContinuousClock.Instant = .now) -> String {
        var generator = SystemRandomNumberGenerator()
        let id = (0..<4).map { _ in generator.next() as UInt64 }.map { String($0, radix: 16).leftPadded(to: 16) }.joined()
        let digest = Self.digest(id)
        expiries.withLockedValue { expiries in
            expiries = expiries.filter { $0.value > now }
            if expiries.count >= Self.capacity, let soonest = expiries.min(by: { $0.value < $1.value })?.key {
                expiries.removeValue(forKey: soonest)
            }
            expiries[digest] = now + Self.lifetime
        }
        return id
    }

    /// Whether `id` is a login that has not expired.
    func isValid(_ id: String, now: ContinuousClock.Instant = .now) -> Bool {
        guard !id.isEmpty else { return false }
        let digest = Self.digest(id)
        return expiries.withLockedValue { ($0[digest]).map { $0 > now } ?? false }
    }

    /// Ends the login `id` (`POST /ui/logout`).
    func remove(_ id: String) {
        let digest = Self.digest(id)
        expiries.withLockedValue { _ = $0.removeValue(forKey: digest) }
    }

    private static func digest(_ id: String) -> [UInt8] { Array(SHA256.hash(data: Array(id.utf8))) }

    /// The `Set-Cookie` value for `id` (an empty id clears the cookie).
    static func setCookie(_ id: String) -> String {
        let age = id.isEmpty ? 0 : Int(lifetime.components.seconds)
        return "\(cookieName)=\(id); Path=/; HttpOnly; SameSite=Strict; Max-Age=\(age)"
    }

    /// The view cookie's value in a `Cookie` header, if any.
    static func cookie(in header: String) -> String? {
        for pair in header.split(separator: ";") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == cookieName {
                return parts[1].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }
}

extension String {
    fileprivate func leftPadded(to length: Int) -> String {
        String(repeating: "0", count: max(0, length - count)) + self
    }
}
