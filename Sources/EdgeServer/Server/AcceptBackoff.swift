import Logging
import NIOConcurrencyHelpers
import NIOCore

/// What a listener does when `accept` fails (EMFILE, ENFILE, ENOBUFS): pause accepting briefly
/// instead of retrying in a tight loop on a readable listening socket, and say so in the log —
/// at most once per ``logInterval``, with the count of failures since the last line.
enum AcceptBackoff {
    /// How long accepting pauses after a failure.
    static let pause = TimeAmount.milliseconds(100)
    /// At most one log line per this interval while failures continue.
    static let logInterval = TimeAmount.seconds(10)

    static func handler(listener: String, logger: Logger) -> AcceptBackoffHandler {
        let ledger = NIOLockedValueBox((lastLogged: NIODeadline?.none, failures: 0))
        return AcceptBackoffHandler(shouldForwardIOErrorCaught: false) { error in
            let now = NIODeadline.now()
            let report = ledger.withLockedValue { ledger -> Int? in
                ledger.failures += 1
                if let last = ledger.lastLogged, now - last < logInterval { return nil }
                defer { ledger = (now, 0) }
                return ledger.failures
            }
            if let failures = report {
                logger.error(
                    "accept failed; pausing new connections",
                    metadata: [
                        "listener": "\(listener)", "error": "\(error)", "failures": "\(failures)",
                        "pause_ms": "\(pause.nanoseconds / 1_000_000)",
                    ])
            }
            return pause
        }
    }
}
