import Foundation
import NIOConcurrencyHelpers

/// The `/v1/status` JSON, encoded once per distinct document: monitors and load balancers poll
/// the route far more often than its content changes, and Foundation's `JSONEncoder` costs several
/// times what the rest of the request does. Uptime is reported to the millisecond, so a document
/// is reused at most within the millisecond it describes.
final class StatusDocumentCache: Sendable {
    private let encoder = JSONEncoder.daemonStyle()
    private let last = NIOLockedValueBox<(report: StatusReport, body: [UInt8])?>(nil)

    /// The JSON of `report` (uptime truncated to whole milliseconds).
    func body(for report: StatusReport) -> [UInt8] {
        var report = report
        report.uptimeSeconds = (report.uptimeSeconds * 1000).rounded(.down) / 1000
        if let cached = last.withLockedValue({ $0 }), cached.report == report { return cached.body }
        let body = (try? encoder.encode(report)).map(Array.init) ?? Array("{}".utf8)
        last.withLockedValue { $0 = (report, body) }
        return body
    }
}
