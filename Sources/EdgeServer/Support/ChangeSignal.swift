import NIOConcurrencyHelpers

/// Wakes tasks that wait for "something changed" (a session registered or resumed, an upload
/// committed), so that they re-check their state when it changes instead of polling it.
///
/// A waiter first takes an ``Observation`` (the generation it has seen), checks its state, then
/// waits: a change between the check and the wait is never lost, because the wait returns at once
/// when the generation has moved on.
final class ChangeSignal: Sendable {
    /// A signal's generation as a waiter saw it before checking its state.
    struct Observation: Sendable {
        let signal: ChangeSignal
        let generation: UInt64
    }

    private enum Slot {
        /// Registered by a wait, not yet waiting.
        case pending
        case waiting(CheckedContinuation<Void, Never>)
        /// A change came before the waiter started waiting.
        case fired
    }

    private struct State {
        var generation: UInt64 = 0
        var nextWaiter: UInt64 = 0
        /// Every wait in progress; a wait removes its slots when it ends, so none outlive it.
        var slots: [UInt64: Slot] = [:]
    }

    private let state = NIOLockedValueBox(State())

    init() {}

    /// The current generation, to be taken before the state it guards is checked.
    func observe() -> Observation { Observation(signal: self, generation: state.withLockedValue(\.generation)) }

    /// Waits in progress (each ends its own; none outlive their wait).
    var waitsInProgress: Int { state.withLockedValue(\.slots.count) }

    /// Records a change and wakes every waiter.
    func notify() {
        let woken = state.withLockedValue { state in
            state.generation &+= 1
            var woken: [CheckedContinuation<Void, Never>] = []
            for (id, slot) in state.slots {
                if case .waiting(let continuation) = slot { woken.append(continuation) }
                state.slots[id] = .fired
            }
            return woken
        }
        for waiter in woken { waiter.resume() }
    }

    /// Returns when any observed signal has changed since its observation, when `timeout` has
    /// passed, or when the task is cancelled.
    static func wait(forAnyOf observations: [Observation], timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            var registered: [(ChangeSignal, UInt64)] = []
            for observation in observations {
                let id = observation.signal.register()
                registered.append((observation.signal, id))
                group.addTask { await observation.signal.change(after: observation.generation, waiter: id) }
            }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
            for (signal, id) in registered { signal.remove(id) }
        }
    }

    private func register() -> UInt64 {
        state.withLockedValue { state in
            defer { state.nextWaiter &+= 1 }
            state.slots[state.nextWaiter] = .pending
            return state.nextWaiter
        }
    }

    private func change(after seen: UInt64, waiter id: UInt64) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLockedValue { state in
                guard state.generation == seen, case .pending = state.slots[id] else { return true }
                state.slots[id] = .waiting(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// Ends waiter `id`'s wait, resuming it if it is still waiting.
    private func remove(_ id: UInt64) {
        let slot = state.withLockedValue { $0.slots.removeValue(forKey: id) }
        if case .waiting(let continuation) = slot { continuation.resume() }
    }
}
