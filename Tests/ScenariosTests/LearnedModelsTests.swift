import Optimizers
import Renderer
import Testing
import Training

@testable import Scenarios

@Suite struct FirstLapMemoryTests {
    /// A short lap (24 frames, 60 steps from 2000 points) in the small world.
    static func lap(iterations: Int) -> FirstLapMemory {
        var lap = FirstLapMemory()
        (lap.frames, lap.iterations, lap.points, lap.shDegree, lap.threads) = (24, iterations, 2000, 0, 2)
        return lap
    }

    @Test func trainedMemoryGivesNonzeroLossWhereTheProceduralMemoryIsExact() throws {
        let trained = try WorldFrameLosses(probe: SmallWorld.probe, memory: .firstLap(Self.lap(iterations: 60)))
        let procedural = try WorldFrameLosses(probe: SmallWorld.probe)
        let route = SmallWorld.world.route(index: 0)
        let memory = try trained.memoryScene(run: 0, route: route)
        #expect(memory.start == route.period)
        for place in WorldViewpoint.unchanged {
            let camera = try SmallWorld.probe.camera(eye: place.eye, target: place.target)
            #expect(try procedural.comparison(camera: camera, time: 5).loss == 0, "\(place.name)")
            let loss = try trained.comparison(camera: camera, time: 5, memory: memory.scene).loss
            #expect(loss > 0 && loss < 1, "\(place.name): \(loss)")
        }
    }

    @Test func trainingLowersTheSecondLapLossAndNoFrameIsExact() throws {
        let untrained = try WorldFrameLosses(probe: SmallWorld.probe, memory: .firstLap(Self.lap(iterations: 0))).losses(frames: 24, run: 0)
        let trained = try WorldFrameLosses(probe: SmallWorld.probe, memory: .firstLap(Self.lap(iterations: 60))).losses(frames: 24, run: 0)
        #expect(trained.allSatisfy { $0 > 0 })
        #expect(trained.reduce(0, +) < 0.9 * untrained.reduce(0, +), "trained \(trained.reduce(0, +)), untrained \(untrained.reduce(0, +))")
    }
}

@Suite struct STTGSTrainEvaluationTests {
    /// Three clients of 8–10 images at 16×12 (the smallest probe with the 8×6 thumbnail),
    /// one ρ, two schemes, four steps.
    static func tiny() throws -> STTGSTrainEvaluation {
        var settings = STTGSTrainEvaluation.Settings()
        (settings.clients, settings.seed, settings.imagesLow, settings.imagesHigh) = (3, 2, 8, 10)
        settings.ratios = [0.2]
        settings.schemes = [.pamm, .unrestricted]
        (settings.iterations, settings.evaluateAt, settings.heldOutPerPlace) = (4, [0, 4], 1)
        return try STTGSTrainEvaluation(probe: WorldProbe(world: SmallWorld.world, width: 16, height: 12), settings: settings)
    }

    @Test func isDeterministicForASeed() throws {
        let first = try Self.tiny().run()
        let second = try Self.tiny().run()
        #expect(first == second)
        #expect(first.count == 4)
    }

    @Test func everySchemeStartsFromTheSameModelAndUnrestrictedTakesEveryone() throws {
        let rows = try Self.tiny().run()
        let starts = rows.filter { $0.iteration == 0 }.map(\.evaluation)
        #expect(Set(starts.map(\.psnr)).count == 1)
        let unrestricted = try #require(rows.first { $0.scheme == .unrestricted && $0.iteration == 4 })
        #expect(unrestricted.selected == [0, 1, 2])
        #expect(unrestricted.evaluation != starts[0])
        #expect(unrestricted.images >= 24 && unrestricted.images <= 30)
    }

    @Test func refusesEvaluationPointsBeyondTheRun() throws {
        var settings = STTGSTrainEvaluation.Settings()
        settings.evaluateAt = [0, 301]
        #expect(throws: ScenarioError.self) { try STTGSTrainEvaluation(probe: SmallWorld.probe, settings: settings) }
    }
}

@Suite struct WorldSmallModelTests {
    @Test func distilledModelBeatsThePrunedCopyOnHeldOutViews() throws {
        let small = try WorldSmallModel(probe: SmallWorld.probe, fraction: 0.25)
        var settings = SceneDistillation.Settings()
        (settings.iterations, settings.threads) = (150, 2)
        let result = try small.distilled(trainingViews: 24, heldOutViews: 6, settings: settings)
        let pruned = try small.pruned()
        #expect(result.model.scene.count == pruned.scene.count)
        #expect(result.trained.psnr > result.initial.psnr + 0.5, "pruned \(result.initial.psnr) dB, distilled \(result.trained.psnr) dB")
    }
}
