import Foundation
import NIOConcurrencyHelpers
import NIOCore

/// The `/v1/status` answer, built and encoded at most once per `refresh` interval (the slot
/// length τ) and shared by every request in between.
///
/// Monitors and load balancers poll the route far more often than its content changes, and
/// building the report (session counts under the registry's lock, two dictionaries by role)
/// and encoding it with Foundation's `JSONEncoder` (sorted, snake-case keys) costs many times
/// what the rest of an HTTP/2 request does. The document describes the daemon as of its
/// `uptime_seconds`, which is at most one slot old: the slot statistics in it change once per
/// slot anyway, and a session opened since shows at the next refresh.
final class StatusDocumentCache: Sendable {
    private let encoder = JSONEncoder.daemonStyle()
    private let refresh: Duration
    private let last = NIOLockedValueBox<(builtAt: ContinuousClock.Instant, response: HTTPResponse)?>(nil)

    /// A cache whose document is rebuilt once it is `refresh` old.
    init(refresh: Duration) {
        self.refresh = refresh
    }

    /// The status response as of `now`: the cached one while it is younger than the refresh
    /// interval (or newer than `now`, built by another event loop meanwhile), otherwise
    /// `report()` encoded (and kept).
    func response(now: ContinuousClock.Instant = .now, report: () -> StatusReport) -> HTTPResponse {
        if let cached = last.withLockedValue({ $0 }), now - cached.builtAt < refresh {
            return cached.response
        }
        let body = (try? encoder.encode(report())).map { ByteBuffer(bytes: $0) } ?? ByteBuffer(string: "{}")
        let response = HTTPResponse(status: .ok, contentType: "application/json", body: body)
        last.withLockedValue { $0 = (now, response) }
        return response
    }
}
