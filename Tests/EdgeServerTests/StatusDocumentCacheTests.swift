import Foundation
import Testing

@testable import EdgeServer

@Suite("StatusDocumentCache: one encoding per distinct /v1/status document")
struct StatusDocumentCacheTests {
    static func report(uptime: Double, robots: Int) -> StatusReport {
        StatusReport(
            version: "test", uptimeSeconds: uptime, draining: false, sessions: ["robot": robots], connectedSessions: ["robot": robots],
            slots: SlotStatistics(), store: StoreUsage(), model: TrainingStatus())
    }

    static func decoded(_ body: [UInt8]) throws -> StatusReport {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(StatusReport.self, from: Data(body))
    }

    @Test("the body is the report's JSON, uptime to the millisecond, and changes with the report")
    func bodyFollowsReport() throws {
        let cache = StatusDocumentCache()
        let first = cache.body(for: Self.report(uptime: 12.3456789, robots: 1))
        #expect(try Self.decoded(first) == Self.report(uptime: 12.345, robots: 1))
        #expect(cache.body(for: Self.report(uptime: 12.3459, robots: 1)) == first, "same millisecond, same document")
        let joined = cache.body(for: Self.report(uptime: 12.3459, robots: 2))
        #expect(try Self.decoded(joined).sessions == ["robot": 2], "a new session shows at once")
        let later = cache.body(for: Self.report(uptime: 12.347, robots: 2))
        #expect(try Self.decoded(later).uptimeSeconds == 12.347)
    }
}
