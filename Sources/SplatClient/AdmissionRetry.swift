import Protocol
import SeededRandom

/// How a client gets admitted by a daemon that may be full or restarting: it retries a refusal
/// that can pass with time (`session_limit`, `internal_error`, a connection that could not be
/// made or dropped before WELCOME) with exponential back-off and seeded jitter, until its run's
/// deadline; a refusal that cannot pass (`unauthorized`, `version_mismatch`, a bad client id)
/// fails at once.
public struct AdmissionRetry: Sendable {
    /// The first pause; each later one doubles, up to ``maxDelay``.
    public var initialDelay: Duration = .milliseconds(250)
    /// The longest pause.
    public var maxDelay: Duration = .seconds(4)
    /// No attempt starts after this instant.
    public var deadline: ContinuousClock.Instant

    /// Retries until `deadline`.
    public init(deadline: ContinuousClock.Instant) { self.deadline = deadline }

    /// Whether `error` may go away if the agent waits.
    public static func isTransient(_ error: any Error) -> Bool {
        switch error {
        case SplatClientError.server(let refusal):
            return refusal.code == .sessionLimit || refusal.code == .internalError
        case SplatClientError.closed:
            return true
        case SplatClientError.http(let status, _):
            return status == 503 || status >= 500
        case SplatClientError.unexpectedAnswer:
            return false
        default:
            // Connection refused or reset, a timeout: the transport's own errors.
            return !(error is ProtocolError)
        }
    }

    /// The pause before attempt `attempt` (1 = the first retry): doubling, capped, ±25 % jitter.
    public func delay(attempt: Int, using rng: inout SeededGenerator) -> Duration {
        let base = min(initialDelay * (1 << min(attempt - 1, 20)), maxDelay)
        return base * Double.random(in: 0.75...1.25, using: &rng)
    }

    /// Runs `attempt` until it succeeds, fails for good, or the deadline passes.
    public func run<T: Sendable>(seed: UInt64, _ attempt: () async throws -> T) async throws -> T {
        var rng = SeededGenerator(seed: seed, stream: 0x6164_6D69_7400, index: 0)
        var attempts = 0
        while true {
            do {
                return try await attempt()
            } catch {
                attempts += 1
                let pause = delay(attempt: attempts, using: &rng)
                guard Self.isTransient(error), ContinuousClock.now + pause < deadline else { throw error }
                try await Task.sleep(for: pause)
            }
        }
    }
}
