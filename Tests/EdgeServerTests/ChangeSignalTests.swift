import Testing

@testable import EdgeServer

@Suite("ChangeSignal: waits that end on a change, never lose one, and leave nothing behind")
struct ChangeSignalTests {
    @Test("a change between observing and waiting ends the wait at once")
    func changeBeforeWaitIsNotLost() async {
        let signal = ChangeSignal()
        let observation = signal.observe()
        signal.notify()
        let clock = ContinuousClock()
        let waited = await clock.measure { await ChangeSignal.wait(forAnyOf: [observation], timeout: .seconds(600)) }
        #expect(waited < .seconds(60))
        #expect(signal.waitsInProgress == 0)
    }

    @Test("a change during the wait ends it; the other observed signal's wait is removed too")
    func changeDuringWaitWakes() async {
        let commits = ChangeSignal(), sessions = ChangeSignal()
        let observations = [commits.observe(), sessions.observe()]
        let notifier = Task {
            // Notify once the waiter is registered on both signals.
            while commits.waitsInProgress < 1 || sessions.waitsInProgress < 1 { await Task.yield() }
            sessions.notify()
        }
        await ChangeSignal.wait(forAnyOf: observations, timeout: .seconds(600))
        await notifier.value
        #expect(commits.waitsInProgress == 0 && sessions.waitsInProgress == 0)
    }

    @Test("without a change the wait ends at its timeout")
    func timeoutEndsWait() async {
        let signal = ChangeSignal()
        await ChangeSignal.wait(forAnyOf: [signal.observe()], timeout: .milliseconds(20))
        #expect(signal.waitsInProgress == 0)
    }

    @Test("cancelling the waiting task ends the wait")
    func cancellationEndsWait() async {
        let signal = ChangeSignal()
        let waiter = Task { await ChangeSignal.wait(forAnyOf: [signal.observe()], timeout: .seconds(600)) }
        while signal.waitsInProgress < 1 { await Task.yield() }
        waiter.cancel()
        await waiter.value
        #expect(signal.waitsInProgress == 0)
    }
}
