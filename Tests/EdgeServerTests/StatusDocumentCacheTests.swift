import Foundation
import NIOCore
import Testing

@testable import EdgeServer

@Suite("StatusDocumentCache: the /v1/status document, built at most once per slot")
struct StatusDocumentCacheTests {
    static func report(uptime: Double, robots: Int) -> StatusReport {
        StatusReport(
            version: "test", uptimeSeconds: uptime, draining: false, sessions: ["robot": robots], connectedSessions: ["robot": robots],
            slots: SlotStatistics(), store: StoreUsage(), model: TrainingStatus())
    }

    static func decoded(_ response: HTTPResponse) throws -> StatusReport {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(StatusReport.self, from: Data(response.body.readableBytesView))
    }

    @Test("the body is the report's JSON, reused within the refresh interval and rebuilt after it")
    func refreshesOncePerInterval() throws {
        let cache = StatusDocumentCache(refresh: .milliseconds(100))
        let start = ContinuousClock.now
        var builds = 0
        func response(at offset: Duration, robots: Int) -> HTTPResponse {
            cache.response(now: start + offset) {
                builds += 1
                return Self.report(uptime: offset / .seconds(1), robots: robots)
            }
        }
        let first = response(at: .zero, robots: 1)
        #expect(first.status == .ok && first.headers.first(name: "content-type") == "application/json")
        #expect(try Self.decoded(first) == Self.report(uptime: 0, robots: 1))
        let within = response(at: .milliseconds(99), robots: 2)
        #expect(builds == 1, "within the interval the report is not even built")
        #expect(try Self.decoded(within) == Self.report(uptime: 0, robots: 1))
        let after = response(at: .milliseconds(100), robots: 2)
        #expect(builds == 2)
        #expect(try Self.decoded(after) == Self.report(uptime: 0.1, robots: 2), "a new session shows one interval later at most")
    }
}
