import Protocol
import SeededRandom
import SplatClient
import Testing

@Suite("Admission retry")
struct AdmissionRetryTests {
    @Test(
        "refusals that can pass with time are retried; the others are not",
        arguments: [
            (SplatClientError.server(ProtocolError(.sessionLimit, "full")), true),
            (SplatClientError.server(ProtocolError(.internalError, "oops")), true),
            (SplatClientError.closed, true),
            (SplatClientError.http(status: 503, body: ""), true),
            (SplatClientError.server(ProtocolError(.unauthorized, "no")), false),
            (SplatClientError.server(ProtocolError(.versionMismatch, "no")), false),
            (SplatClientError.server(ProtocolError(.invalidValue, "bad id")), false),
            (SplatClientError.http(status: 401, body: ""), false),
        ])
    func transient(error: SplatClientError, retried: Bool) {
        #expect(AdmissionRetry.isTransient(error) == retried)
    }

    @Test("pauses double from the initial delay up to the cap, within ±25 % jitter")
    func delays() {
        let retry = AdmissionRetry(deadline: .now)
        var rng = SeededGenerator(seed: 3)
        for attempt in 1...10 {
            let nominal = min(retry.initialDelay * (1 << (attempt - 1)), retry.maxDelay)
            let pause = retry.delay(attempt: attempt, using: &rng)
            #expect(pause >= nominal * 0.75 && pause <= nominal * 1.25, "attempt \(attempt): \(pause)")
        }
    }

    @Test("a full daemon is waited out; a refusal for good ends at once; the deadline ends the wait")
    func runs() async throws {
        // A deadline no loaded test runner reaches: this part is about the attempts, not time.
        var retry = AdmissionRetry(deadline: .now + .seconds(600))
        retry.initialDelay = .milliseconds(1)
        let attempts = Counter()
        let value = try await retry.run(seed: 1) {
            if attempts.increment() < 3 { throw SplatClientError.server(ProtocolError(.sessionLimit, "full")) }
            return 42
        }
        #expect(value == 42)
        #expect(attempts.value == 3)

        let refused = Counter()
        await #expect(throws: SplatClientError.self) {
            try await retry.run(seed: 1) { () async throws -> Int in
                refused.increment()
                throw SplatClientError.server(ProtocolError(.unauthorized, "no"))
            }
        }
        #expect(refused.value == 1)

        var short = AdmissionRetry(deadline: .now + .milliseconds(50))
        short.initialDelay = .milliseconds(10)
        let started = ContinuousClock.now
        await #expect(throws: SplatClientError.self) {
            try await short.run(seed: 1) { () async throws -> Int in throw SplatClientError.server(ProtocolError(.sessionLimit, "full")) }
        }
        #expect(ContinuousClock.now - started < .seconds(2))
    }
}

/// A count shared with a `@Sendable` closure.
private final class Counter: @unchecked Sendable {
    // @unchecked: the closures that touch it run one at a time (the retry loop awaits each).
    private(set) var value = 0
    @discardableResult
    func increment() -> Int {
        value += 1
        return value
    }
}
