import Foundation
import NIOCore
import NIOEmbedded
import NIOHTTP1
import Protocol
import Renderer
import SplatClient
import Testing

@testable import EdgeServer

@Suite("Live view: credentials, chart points, logins, bounded images")
struct LiveViewTests {
    static let narrowToken = "robots-only-token"

    /// A daemon with one robot session whose id the view would show, and a token granted only
    /// robot ids besides the unrestricted one.
    static func daemonWithRobot() async throws -> (TestDaemon, SplatConnection) {
        let daemon = try await TestDaemon.start {
            $0.tokenGrants = [TokenGrant(token: narrowToken, clients: [.prefix("robot-")])]
        }
        let (robot, _) = try await daemon.session("robot-secret-7", role: .robot)
        return (daemon, robot)
    }

    static let dataRoutes = ["/", "/ui", "/ui/", "/ui/state", "/ui/events", "/ui/frames/robot-secret-7", "/ui/app.js"]

    @Test(
        "the view's paths are `/`, `/ui` and everything under `/ui/`, nothing else",
        arguments: [
            ("/", true), ("/ui", true), ("/ui/", true), ("/ui/app.js", true), ("", false), ("//", false), ("/u", false),
            ("/uix", false), ("/ui-x/", false), ("/healthz", false), ("/v1/ui/", false),
        ])
    func viewPaths(path: String, isView: Bool) {
        #expect(LiveViewRoutes.handles(path[...]) == isView)
    }

    @Test("missing, wrong, expired and too narrow credentials get no data", arguments: ["none", "wrong bearer", "forged cookie", "narrow token"])
    func wrongCredentialsGetNoData(credential: String) async throws {
        let (daemon, robot) = try await Self.daemonWithRobot()
        let client = try await daemon.http(token: nil)
        let headers: HTTPHeaders =
            switch credential {
            case "wrong bearer": ["authorization": "Bearer \(TestDaemon.token)x"]
            case "forged cookie": ["cookie": "\(LiveViewLogins.cookieName)=\(String(repeating: "ab", count: 32))"]
            case "narrow token": ["authorization": "Bearer \(Self.narrowToken)"]
            default: [:]
            }
        for path in Self.dataRoutes {
            let response = try await client.request(.GET, path, headers: headers)
            #expect(response.status == (credential == "narrow token" ? 403 : 401), "\(path)")
            #expect(!response.text.contains("robot-secret-7"), "\(path) leaked a client id")
            #expect(response.headers.first(name: "content-type") != "text/event-stream")
        }
        let login = try await client.request(.POST, "/ui/login", headers: headers)
        #expect(login.status == (credential == "narrow token" ? 403 : 401))
        #expect(login.headers.first(name: "set-cookie") == nil)
        await robot.bye()
        await client.close()
        try await daemon.stop()
    }

    @Test("the page without credentials is the login form; its script and style are public")
    func loginPage() async throws {
        let (daemon, robot) = try await Self.daemonWithRobot()
        let client = try await daemon.http(token: nil)
        let page = try await client.request(.GET, "/")
        #expect(page.status == 401 && page.text.contains("<form id=\"login\""))
        #expect(page.headers.first(name: "content-security-policy")?.contains("default-src 'self'") == true)
        for asset in ["/ui/login.js", "/ui/app.css"] { #expect(try await client.request(.GET, asset).status == 200) }
        await robot.bye()
        await client.close()
        try await daemon.stop()
    }

    @Test("a bearer token granted every id logs in; the cookie opens the data until logout")
    func cookieLoginAndLogout() async throws {
        let (daemon, robot) = try await Self.daemonWithRobot()
        let client = try await daemon.http(token: nil)
        let bearer = try await client.request(.GET, "/ui/state", headers: ["authorization": "Bearer \(TestDaemon.token)"])
        #expect(bearer.status == 200 && bearer.text.contains("\"client\":\"robot-secret-7\""))
        let login = try await client.request(.POST, "/ui/login", headers: ["authorization": "Bearer \(TestDaemon.token)"])
        #expect(login.status == 204)
        let setCookie = try #require(login.headers.first(name: "set-cookie"))
        #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Strict"))
        #expect(!setCookie.contains(TestDaemon.token))
        let cookie = try #require(setCookie.split(separator: ";").first.map(String.init))
        let page = try await client.request(.GET, "/", headers: ["cookie": cookie])
        #expect(page.status == 200 && page.text.contains("id=\"clients\""))
        let state = try await client.request(.GET, "/ui/state", headers: ["cookie": "theme=dark; " + cookie])
        #expect(state.status == 200 && state.text.contains("robot-secret-7"))
        #expect(try await client.request(.POST, "/ui/logout", headers: ["cookie": cookie]).status == 204)
        #expect(try await client.request(.GET, "/ui/state", headers: ["cookie": cookie]).status == 401)
        await robot.bye()
        await client.close()
        try await daemon.stop()
    }

    /// A slot record with two robots and three users, values chosen by hand.
    static func record(slot: UInt64 = 4) -> SlotRecord {
        func robot(_ id: String, x: Int, power: Double, loss: Double) -> SlotRecord.Robot {
            SlotRecord.Robot(
                client: id, link: 1, x: x, powerW: power, bits: 1e5, gain: 1e-9, channelReported: true, predictedLoss: loss, exactPose: true,
                poseSlot: 3,
                horizon: 5, horizonBudgetW: 0.01, feasible: true, solverMilliseconds: 0.2)
        }
        func user(_ id: String, x: Int, power: Double, delta: Double, miss: Bool) -> SlotRecord.User {
            SlotRecord.User(
                client: id, link: 2, x: x, powerW: power, bits: 0, gain: 1e-9, channelReported: true, exactPose: true, poseSlot: 3, delta: delta,
                deltaAgeSlots: 1, expectedRateBps: 1e7, frameReadyMilliseconds: 4, deadlineMiss: miss)
        }
        return SlotRecord(
            slot: slot, late: true, computeMilliseconds: 12.5, cpuMilliseconds: 20, lagMilliseconds: 0, observeMilliseconds: 0,
            probeMilliseconds: 0, renderMilliseconds: 3, robotSolver: "apo", userSolver: "pmm", robotSolverMilliseconds: 0.4,
            userSolverMilliseconds: 0.3, userPowerW: 1.5, userPowerBudgetW: 2,
            robots: [robot("r1", x: 1, power: 0.008, loss: 0.25), robot("r2", x: 0, power: 0.002, loss: 0.75)],
            users: [
                user("u1", x: 1, power: 1, delta: 0.3, miss: false), user("u2", x: 0, power: 0, delta: 0.6, miss: false),
                user("u3", x: 1, power: 0.5, delta: 0.9, miss: true),
            ],
            idleClients: ["r3"], imagesObserved: 0)
    }

    @Test("a chart point is the slot record's sums and means")
    func chartPoint() {
        let point = LiveViewPoint(Self.record())
        #expect(point.slot == 4 && point.late && point.computeMilliseconds == 12.5)
        #expect(point.deadlineMisses == 1)
        #expect(abs(point.robotPowerW - 0.010) < 1e-15)
        #expect(point.userPowerW == 1.5)
        #expect(point.robotLoss == 0.5)
        // (1 − x)·Δ over the users: (0 + 0.6 + 0) / 3.
        #expect(abs(point.userLoss! - 0.2) < 1e-15)
        #expect(point.usersServed == 2 && point.robotImages == 1)
        let empty = LiveViewPoint(
            SlotRecord(
                slot: 0, late: false, computeMilliseconds: 0, cpuMilliseconds: 0, lagMilliseconds: 0, observeMilliseconds: 0,
                probeMilliseconds: 0, renderMilliseconds: 0, robotSolver: "", userSolver: "", robotSolverMilliseconds: 0,
                userSolverMilliseconds: 0, userPowerW: 0, userPowerBudgetW: 0, robots: [], users: [], idleClients: [], imagesObserved: 0))
        #expect(empty.robotLoss == nil && empty.userLoss == nil)
    }

    @Test("history keeps 180 s of slots, at least one, for any legal τ")
    func historyCapacity() {
        #expect(LiveViewBoard.historyCapacity(slotMilliseconds: 100) == 1800)
        #expect(LiveViewBoard.historyCapacity(slotMilliseconds: 60_000) == 3)
        #expect(LiveViewBoard.historyCapacity(slotMilliseconds: 1) == 100_000)
        #expect(LiveViewBoard.historyCapacity(slotMilliseconds: 0) == 1)
    }

    @Test("logins are bounded, expire, and are never the token")
    func loginsBoundedAndExpiring() {
        let logins = LiveViewLogins()
        let start = ContinuousClock.now
        let first = logins.create(now: start)
        #expect(first.count == 64 && first.allSatisfy(\.isHexDigit))
        #expect(logins.isValid(first, now: start))
        #expect(!logins.isValid(first, now: start + LiveViewLogins.lifetime))
        #expect(!logins.isValid("", now: start))
        let later = (1...LiveViewLogins.capacity).map { logins.create(now: start + .seconds($0)) }
        // The 65th login evicted the one closest to expiry: the first.
        #expect(!logins.isValid(first, now: start + .seconds(100)))
        #expect(later.allSatisfy { logins.isValid($0, now: start + .seconds(100)) })
        #expect(LiveViewLogins.cookie(in: "a=b; \(LiveViewLogins.cookieName)=xyz; c=d") == "xyz")
        #expect(LiveViewLogins.cookie(in: "a=b") == nil)
    }

    @Test("a robot's MR frame is composed at most once per second however often it is asked for")
    func imagesAreRateBounded() async throws {
        let daemon = try await TestDaemon.start()
        let board = daemon.server.mixedReality
        board.attach(MixedRealityBoardTests.world)
        board.record(clientID: "r", .init(slot: 2, pose: MixedRealityBoardTests.pose, uploadsImage: false))
        let metrics = LiveViewMetrics(registry: .init())
        let images = LiveViewImages(board: daemon.server.liveView, mixedReality: board, metrics: metrics)
        let start = ContinuousClock.now
        let first = try images.image(clientID: "r", now: start).get()
        board.record(clientID: "r", .init(slot: 3, pose: MixedRealityBoardTests.pose, uploadsImage: false))
        for step in 1..<10 { #expect(try images.image(clientID: "r", now: start + .milliseconds(100 * step)).get() == first) }
        let next = try images.image(clientID: "r", now: start + .milliseconds(1000)).get()
        #expect(first.slot == 2 && next.slot == 3 && first.source == "render")
        #expect(try RGBImage(pngData: Data(next.png)).width == daemon.server.configuration.slotLoop.mixedRealitySize.width)
        #expect(images.image(clientID: "nobody") == .failure(.noImage("no FRAME or MR frame of nobody yet")))
        // A user's FRAME comes from the board as the slot loop stored it.
        daemon.server.liveView.storeFrame(clientID: "u", slot: 9, png: [1, 2, 3])
        #expect(try images.image(clientID: "u").get() == .init(slot: 9, source: "frame", png: [1, 2, 3]))
        try await daemon.stop()
    }

    /// A response target that keeps the body chunks written to it.
    final class RecordingTarget: HTTPResponseTarget {
        let eventLoop: any EventLoop
        var chunks: [String] = []
        var isActive = true
        var isWritable = true

        init(_ loop: EmbeddedEventLoop) { eventLoop = loop }

        func write(_ part: HTTPServerResponsePart, flush: Bool, promise: EventLoopPromise<Void>?) {
            if case .body(.byteBuffer(let buffer)) = part { chunks.append(String(buffer: buffer)) }
            promise?.succeed()
        }

        func close() { isActive = false }
    }

    @Test("events go out at most every 250 ms, as one SSE line each, and carry every slot's point once")
    func eventsAreRateBoundedAndLoseNoPoint() async throws {
        let daemon = try await TestDaemon.start()
        let (robot, _) = try await daemon.session("r1", role: .robot)
        let board = daemon.server.liveView
        let loop = EmbeddedEventLoop()
        let target = RecordingTarget(loop)
        let writer = HTTPStreamWriter(target: target) {}
        #expect(board.attach(writer))
        // 40 slots of τ = 25 ms in one second: events at 0, 250, 500 and 750 ms.
        let start = ContinuousClock.now
        for slot in 0..<40 { board.publish(Self.record(slot: UInt64(slot)), slotMilliseconds: 25, now: start + .milliseconds(25 * slot)) }
        loop.run()
        #expect(target.chunks.count == 5)
        var points: [UInt64] = []
        for chunk in target.chunks {
            #expect(chunk.hasPrefix("event: state\ndata: {") && chunk.hasSuffix("}\n\n"))
            #expect(chunk.dropLast(2).filter { $0 == "\n" }.count == 1)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(chunk.dropFirst(19).utf8)) as? [String: Any])
            points += (json["points"] as? [[String: Any]] ?? []).map { ($0["slot"] as! NSNumber).uint64Value }
            #expect((json["clients"] as? [[String: Any]])?.map { $0["client"] as? String } == ["r1"])
        }
        // The first event (on attach) had no history yet; the others every slot up to the last event, once.
        #expect(points == Array(0...30))
        board.detach(writer)
        #expect(board.viewerCount == 0)
        await robot.bye()
        try await daemon.stop()
    }
}
