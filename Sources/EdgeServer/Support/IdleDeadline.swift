import NIOCore

/// A connection's idle timer, re-armed lazily: activity only records the time, and a timer that
/// fires before the connection has been idle long enough re-arms for the remainder, so a busy
/// connection costs no timer per read. Used on the connection's event loop only.
final class IdleDeadline {
    let timeout: TimeAmount
    private var lastActivity = NIODeadline.now()
    private var timer: Scheduled<Void>?

    init(timeout: TimeAmount) { self.timeout = timeout }

    /// The connection read or wrote something.
    func touch() { lastActivity = .now() }

    /// Starts the timer (once); `onExpiry` runs when nothing happened for the whole timeout.
    func arm(on eventLoop: any EventLoop, onExpiry: @escaping () -> Void) {
        arm(on: eventLoop, in: timeout, onExpiry: onExpiry)
    }

    func cancel() {
        timer?.cancel()
        timer = nil
    }

    private func arm(on eventLoop: any EventLoop, in delay: TimeAmount, onExpiry: @escaping () -> Void) {
        guard timer == nil else { return }
        let bound = NIOLoopBound((self, onExpiry), eventLoop: eventLoop)
        timer = eventLoop.scheduleTask(in: delay) {
            let (deadline, onExpiry) = bound.value
            deadline.timer = nil
            let silent = NIODeadline.now() - deadline.lastActivity
            if silent >= deadline.timeout {
                onExpiry()
            } else {
                deadline.arm(on: eventLoop, in: deadline.timeout - silent, onExpiry: onExpiry)
            }
        }
    }
}
