import Foundation
import NIOConcurrencyHelpers
import NIOCore

/// What the live view shows, kept as the daemon runs: the slot loop publishes every slot's
/// record and each user's newest FRAME, the collection rounds their progress; viewers of
/// `GET /ui/events` get ``LiveViewState`` events.
///
/// The stream's data rate is bounded however many clients there are or how short τ is: events
/// go out at most every ``eventInterval`` (a viewer still gets every slot's chart point, since
/// an event carries all points since the previous one), and a viewer whose connection cannot
/// take an event loses it rather than queueing it (``HTTPStreamWriter``). With no viewer, a
/// slot costs the board one chart point and nothing is encoded.
final class LiveViewBoard: Sendable {
    /// Newest FRAME of a user, as PNG.
    struct Frame: Sendable {
        var slot: UInt64
        var png: [UInt8]
    }

    /// The shortest time between two events to the viewers.
    static let eventInterval: Duration = .milliseconds(250)
    /// How much history the charts get (a viewer's first event carries all of it).
    static let historySeconds = 180.0
    /// Viewers streaming at once; more are refused with 503.
    static let maxViewers = 16

    private struct State {
        var slotMilliseconds = 0.0
        var record: SlotRecord?
        var history: [LiveViewPoint] = []
        /// Points not yet sent to the viewers.
        var pending: [LiveViewPoint] = []
        var frames: [String: Frame] = [:]
        var round: LiveViewRound?
        var viewers: [ObjectIdentifier: HTTPStreamWriter] = [:]
        var lastEvent: ContinuousClock.Instant?
    }

    private let state = NIOLockedValueBox(State())
    private let sessions: SessionRegistry
    private let statusSource = NIOLockedValueBox<(@Sendable () -> StatusReport?)?>(nil)
    private let metrics: LiveViewMetrics
    private let encoder: JSONEncoder

    init(sessions: SessionRegistry, metrics: LiveViewMetrics) {
        self.sessions = sessions
        self.metrics = metrics
        encoder = .daemonStyle()
    }

    /// Where the `/v1/status` document of each event comes from (the daemon, once it serves).
    func reportStatus(from source: @escaping @Sendable () -> StatusReport?) {
        statusSource.withLockedValue { $0 = source }
    }

    /// Records a completed slot (called by the slot loop after each slot) and, when a viewer
    /// watches and ``eventInterval`` has passed, sends them an event.
    func publish(_ record: SlotRecord, slotMilliseconds: Double, now: ContinuousClock.Instant = .now) {
        let point = LiveViewPoint(record)
        let capacity = Self.historyCapacity(slotMilliseconds: slotMilliseconds)
        let (due, viewers): (Bool, [HTTPStreamWriter]) = state.withLockedValue { state in
            state.slotMilliseconds = slotMilliseconds
            state.record = record
            let live = Set(record.users.map(\.client) + record.idleClients)
            state.frames = state.frames.filter { live.contains($0.key) }
            state.history.append(point)
            if state.history.count > capacity { state.history.removeFirst(state.history.count - capacity) }
            guard !state.viewers.isEmpty else {
                state.pending = []
                return (false, [])
            }
            state.pending.append(point)
            if state.pending.count > capacity { state.pending.removeFirst(state.pending.count - capacity) }
            guard state.lastEvent.map({ now - $0 >= Self.eventInterval }) ?? true else { return (false, []) }
            state.lastEvent = now
            return (true, Array(state.viewers.values))
        }
        guard due else { return }
        let event = self.event(
            points: state.withLockedValue { state in
                defer { state.pending = [] }
                return state.pending
            })
        for viewer in viewers { viewer.write(event) }
        metrics.eventBytes.increment(by: Int64(event.readableBytes * viewers.count))
        metrics.events.increment(by: Int64(viewers.count))
    }

    /// Keeps a user's newest FRAME (called from the render workers as FRAMEs are encoded).
    func storeFrame(clientID: String, slot: UInt64, png: [UInt8]) {
        state.withLockedValue { state in
            if slot >= state.frames[clientID]?.slot ?? 0 { state.frames[clientID] = Frame(slot: slot, png: png) }
        }
    }

    /// A user's newest FRAME, if the edge rendered one.
    func frame(clientID: String) -> Frame? { state.withLockedValue { $0.frames[clientID] } }

    /// Replaces the round shown (called by the collection round at each stage and upload).
    func updateRound(_ round: LiveViewRound) { state.withLockedValue { $0.round = round } }

    /// Changes the round shown, if there is one.
    func updateRound(_ change: (inout LiveViewRound) -> Void) {
        state.withLockedValue { state in
            guard var round = state.round else { return }
            change(&round)
            state.round = round
        }
    }

    /// Adds a viewer; its first event (all kept history) is written at once. False when
    /// ``maxViewers`` already watch.
    func attach(_ viewer: HTTPStreamWriter) -> Bool {
        let added = state.withLockedValue { state in
            guard state.viewers.count < Self.maxViewers else { return false }
            state.viewers[ObjectIdentifier(viewer)] = viewer
            return true
        }
        guard added else { return false }
        metrics.viewers.set(Double(viewerCount))
        let event = self.event(points: state.withLockedValue { $0.history })
        viewer.write(event)
        metrics.eventBytes.increment(by: Int64(event.readableBytes))
        metrics.events.increment()
        return true
    }

    func detach(_ viewer: HTTPStreamWriter) {
        state.withLockedValue { _ = $0.viewers.removeValue(forKey: ObjectIdentifier(viewer)) }
        metrics.viewers.set(Double(viewerCount))
    }

    var viewerCount: Int { state.withLockedValue { $0.viewers.count } }

    /// The current state with `points`, as one server-sent event.
    func event(points: [LiveViewPoint]) -> ByteBuffer {
        let current = self.current(points: points)
        var buffer = ByteBuffer(string: "event: state\ndata: ")
        buffer.writeBytes((try? encoder.encode(current)) ?? Data("{}".utf8))
        buffer.writeString("\n\n")
        return buffer
    }

    /// The current state without history, as JSON (`GET /ui/state`).
    func stateJSON() -> HTTPResponse {
        .json(.ok, (try? encoder.encode(current(points: []))).map(Array.init) ?? Array("{}".utf8))
    }

    /// Every session's client with the newest slot's decision for it.
    func current(points: [LiveViewPoint]) -> LiveViewState {
        let (record, round, slotMilliseconds) = state.withLockedValue { ($0.record, $0.round, $0.slotMilliseconds) }
        var robots: [String: SlotRecord.Robot] = [:], users: [String: SlotRecord.User] = [:]
        for robot in record?.robots ?? [] { robots[robot.client] = robot }
        for user in record?.users ?? [] { users[user.client] = user }
        let idle = Set(record?.idleClients ?? [])
        let clients = sessions.sessions().map { session in
            var client = LiveViewClient(client: session.clientID, role: session.role.rawValue, connected: session.isAttached)
            if let record {
                if let robot = robots[session.clientID] {
                    client.apply(robot, slot: record.slot)
                } else if let user = users[session.clientID] {
                    client.apply(user, slot: record.slot)
                } else if idle.contains(session.clientID) {
                    client.slot = record.slot
                    client.x = 0
                    client.powerW = 0
                }
            }
            return client
        }.sorted { ($0.role, $0.client) < ($1.role, $1.client) }
        return LiveViewState(
            slot: record?.slot, slotMilliseconds: slotMilliseconds, robotSolver: record?.robotSolver, userSolver: record?.userSolver,
            clients: clients, points: points, round: round,
            status: statusSource.withLockedValue { $0 }?())
    }

    /// Chart points kept: ``historySeconds`` of slots, at least one.
    static func historyCapacity(slotMilliseconds: Double) -> Int {
        guard slotMilliseconds > 0 else { return 1 }
        return max(1, Int(min(100_000, (historySeconds * 1000 / slotMilliseconds).rounded(.up))))
    }
}
