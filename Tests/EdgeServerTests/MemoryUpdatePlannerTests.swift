import Renderer
import Testing
import Training

@testable import EdgeServer

/// When the memory learns from robots' images: the schedule, the window of recent images and
/// the hold-out by arrival (every n-th image is only ever measured on).
struct MemoryUpdatePlannerTests {
    static let settings = MemoryUpdatePlanner.Settings(interval: 10, minimumNewImages: 6, capacity: 12, holdOutEvery: 4)

    /// `count` 4×3 views named by their arrival index, from `first`.
    static func views(_ first: Int, count: Int) throws -> [TrainingView] {
        let camera = try Camera(
            position: .zero, orientation: SIMD4(1, 0, 0, 0), intrinsics: .init(width: 4, height: 3, fx: 4, fy: 4, cx: 2, cy: 1.5))
        return try (first..<first + count).map { try TrainingView(name: "\($0)", camera: camera, image: RGBImage(width: 4, height: 3)) }
    }

    @Test("nothing before the interval, without enough new images, or while a run is training")
    func schedule() throws {
        var planner = MemoryUpdatePlanner(settings: Self.settings, start: 100)
        planner.add(try Self.views(0, count: 5))
        #expect(planner.update(at: 109.9, trainingBusy: false) == nil)
        #expect(planner.update(at: 110, trainingBusy: false) == nil, "5 new images, 6 needed")
        planner.add(try Self.views(5, count: 1))
        #expect(planner.update(at: 110, trainingBusy: true) == nil)
        let update = planner.update(at: 110, trainingBusy: false)
        let set = try #require(update)
        #expect(set.source == .robotImages && set.rounds.isEmpty)
        #expect(set.test.map(\.name) == ["0", "4"] && set.train.map(\.name) == ["1", "2", "3", "5"])
        // The next update waits for the interval and six more images again.
        planner.add(try Self.views(6, count: 6))
        #expect(planner.update(at: 119.9, trainingBusy: false) == nil)
        #expect(planner.update(at: 120, trainingBusy: false) != nil)
    }

    @Test("the window keeps the newest images; an image stays held out or trained on as it arrived")
    func windowAndHoldOut() throws {
        var planner = MemoryUpdatePlanner(settings: Self.settings, start: 0)
        planner.add(try Self.views(0, count: 7))
        planner.add(try Self.views(7, count: 10))
        #expect(planner.count == 12)
        let update = planner.update(at: 10, trainingBusy: false)
        let set = try #require(update)
        let names = (set.train + set.test).map { Int($0.name)! }.sorted()
        #expect(names == Array(5..<17))
        #expect(set.test.map(\.name) == ["8", "12", "16"])
    }

    @Test("an interval of 0 never updates")
    func off() throws {
        var settings = Self.settings
        settings.interval = 0
        var planner = MemoryUpdatePlanner(settings: settings, start: 0)
        planner.add(try Self.views(0, count: 12))
        #expect(planner.update(at: 1e9, trainingBusy: false) == nil)
    }
}
