import Optimizers
import Renderer
import Testing

@testable import Scenarios

/// A small world (12k Gaussians, SH 0) and 64×48 probes keep these tests fast in debug builds.
enum SmallWorld {
    static let world = ProceduralWorld(seed: 3, configuration: .init(gaussianCount: 12_000, shDegree: 0))
    static let probe = try! WorldProbe(world: world, width: 64, height: 48)
    static let positions: [SIMD2<Double>] = [SIMD2(-40, 30), SIMD2(10, -20), SIMD2(45, 45), SIMD2(-5, 0), SIMD2(25, -40)]
}

@Suite struct WorldSwitchingGainsTests {
    @Test func gainIsZeroWhenTheSmallModelIsTheLargeOne() throws {
        let source = try WorldSwitchingGains(probe: SmallWorld.probe, smallScene: SmallWorld.world.memoryScene)
        let gains = source.switchingGains(positions: SmallWorld.positions, seed: 7)
        #expect(gains == [Double](repeating: 0, count: SmallWorld.positions.count))
    }

    @Test func gainIsPositiveForTheCompressedModelAndMatchesADirectRender() throws {
        let source = try WorldSwitchingGains(probe: SmallWorld.probe)
        #expect(source.smallScene.count < SmallWorld.world.memoryScene.count / 3)
        let views = try source.views(positions: SmallWorld.positions, seed: 7)
        for view in views {
            #expect(view.switchingGain > 0.005)
            #expect(view.comparison.psnr.isFinite)
            // Independently: render both models at the same camera and take ℓ directly.
            let large = GaussianRasterizer().render(SmallWorld.world.memoryScene, camera: view.camera)
            let small = GaussianRasterizer().render(source.smallScene, camera: view.camera)
            #expect(abs(view.switchingGain - Double(try ImageMetrics.gsLoss(large, small))) < 1e-6)
        }
    }

    @Test func gainsAreDeterministicForASeedAndDependOnIt() throws {
        let source = try WorldSwitchingGains(probe: SmallWorld.probe)
        let first = source.switchingGains(positions: SmallWorld.positions, seed: 11)
        #expect(first == source.switchingGains(positions: SmallWorld.positions, seed: 11))
        #expect(first != source.switchingGains(positions: SmallWorld.positions, seed: 12))
    }

    @Test func usersStayInsideTheRoom() throws {
        let source = try WorldSwitchingGains(probe: SmallWorld.probe)
        let camera = try source.camera(position: SIMD2(500, -500), user: 0, seed: 1)
        #expect(abs(camera.position.x) <= 9.0001 && abs(camera.position.y) <= 6.0001)
    }

    @Test func recordedGainsReplayAndRejectUnknownSeeds() throws {
        let recorded = RecordedSwitchingGains(label: "test", gains: [4: [0.1, 0.2]])
        #expect(recorded.switchingGains(positions: [.zero, .zero], seed: 4) == [0.1, 0.2])
        #expect(recorded.switchingGains(positions: [.zero, .zero], seed: 5).allSatisfy { $0.isNaN })
        var scenario = IRACScenario()
        scenario.userCount = 2
        scenario.gainSource = recorded
        #expect(throws: OptimizerError.self) { try scenario.instance(seed: 5) }
        #expect(try scenario.instance(seed: 4).switchingGains == [0.1, 0.2])
    }
}

@Suite struct WorldClientDatasetsTests {
    @Test(arguments: WorldViewpoint.unchanged)
    func unchangedViewpointsHaveAlmostNoLoss(viewpoint: WorldViewpoint) throws {
        let camera = try SmallWorld.probe.camera(eye: viewpoint.eye, target: viewpoint.target)
        for time in [0.0, 7.0, 19.0] {
            #expect(try WorldClientDatasets.record(probe: SmallWorld.probe, camera: camera, time: time).loss < 1e-4)
        }
    }

    @Test(arguments: WorldViewpoint.changed)
    func changedViewpointsHaveALoss(viewpoint: WorldViewpoint) throws {
        let camera = try SmallWorld.probe.camera(eye: viewpoint.eye, target: viewpoint.target)
        #expect(try WorldClientDatasets.record(probe: SmallWorld.probe, camera: camera, time: 2).loss > 0.005)
    }

    @Test func clientsThroughChangesHaveMoreLossAndDataIsDeterministic() throws {
        let counts = [16, 32]
        let data = try WorldClientDatasets(probe: SmallWorld.probe, imageCounts: counts, seed: 2)
        let again = try WorldClientDatasets(probe: SmallWorld.probe, imageCounts: counts, seed: 2)
        #expect(data.clientCount == 2)
        for client in 0..<2 {
            #expect(data.features(client: client).count == counts[client])
            #expect(
                data.features(client: client).allSatisfy { $0.count == WorldClientDatasets.featureLength && $0.allSatisfy { (0...1).contains($0) } })
            #expect(data.features(client: client) == again.features(client: client))
            #expect(data.poses[client] == again.poses[client])
        }
        let unchangedLoss = (0..<counts[0]).map { data.loss(client: 0, image: $0) }
        let changedLoss = (0..<counts[1]).map { data.loss(client: 1, image: $0) }
        #expect(unchangedLoss.max()! < 1e-4)
        #expect(changedLoss.max()! > 0.01)
        #expect(changedLoss == (0..<counts[1]).map { again.loss(client: 1, image: $0) })
    }

    @Test func probeSizesWithoutAThumbnailFactorAreRejected() throws {
        let probe = try WorldProbe(world: SmallWorld.world, width: 64, height: 40)
        #expect(throws: ScenarioError.self) { try WorldClientDatasets(probe: probe, imageCounts: [3], seed: 1) }
        #expect(throws: ScenarioError.self) { try WorldClientDatasets(probe: SmallWorld.probe, imageCounts: [0], seed: 1) }
    }

    @Test func theScenarioBuildsAnInstanceFromWorldData() throws {
        var scenario = STTGSScenario(clients: 2, seed: 4)
        (scenario.imagesLow, scenario.imagesHigh) = (12, 16)
        let data = try WorldClientDatasets(probe: SmallWorld.probe, imageCounts: scenario.datasetSizes().images, seed: 4)
        let generated = try scenario.generate(datasets: data, sampling: .fdc)
        #expect(generated.instance.predictedLoss.allSatisfy { $0 >= 0 && $0.isFinite })
    }
}

@Suite struct WorldFrameLossesTests {
    @Test func lossesAlongThePatrolAreLowInUnchangedPartsAndHighAtChanges() throws {
        let route = SmallWorld.world.route(index: 0)
        // 24 frames spread over one lap of the perimeter patrol.
        let source = try WorldFrameLosses(probe: SmallWorld.probe, framePeriod: route.period / 24)
        let losses = try source.losses(frames: 24, run: 0)
        #expect(losses.count == 24)
        #expect(losses.min()! < 1e-3)
        #expect(losses.max()! > 0.02)
        #expect(losses == (try source.losses(frames: 24, run: 0)))
    }

    @Test func theVirtualLayerMasksPartOfTheDifference() throws {
        // The virtual panel hangs on the lamp-lit north wall: where it covers the view both MR
        // frames show it, so the MR loss is positive but below that of the bare renders, and
        // the MR frames differ exactly where the mask shows the real background.
        let source = try WorldFrameLosses(probe: SmallWorld.probe)
        let camera = try SmallWorld.probe.camera(eye: SIMD3(3.8, 3, 1.6), target: SIMD3(3.8, 7, 1.6))
        let rasterizer = GaussianRasterizer()
        let layer = SmallWorld.world.virtualLayer(camera: camera, rasterizer: rasterizer)
        #expect(layer.mask.contains(0) && layer.mask.contains(1))
        let real = rasterizer.render(SmallWorld.world.realityScene(atTime: 3), camera: camera)
        let memory = rasterizer.render(SmallWorld.world.memoryScene, camera: camera)
        let bare = try ImageComparison(reference: real, candidate: memory)
        let mixed = try source.comparison(camera: camera, time: 3)
        #expect(mixed.loss > 0.001 && mixed.loss < bare.loss)
        // MSE over the background pixels only, rescaled to all pixels, equals the MR frames' MSE.
        var squares = 0.0
        for pixel in layer.mask.indices where layer.mask[pixel] == 1 {
            for c in 0..<3 {
                squares += Double(
                    (real.pixels[3 * pixel + c] - memory.pixels[3 * pixel + c]) * (real.pixels[3 * pixel + c] - memory.pixels[3 * pixel + c]))
            }
        }
        #expect(abs(mixed.meanSquaredError - squares / Double(real.pixels.count)) < 1e-7)
        #expect(throws: ScenarioError.self) { try source.losses(frames: 0, run: 0) }
    }
}

@Suite struct CachedFrameLossesTests {
    /// Counts calls, to show the cache computes each (frames, run) once.
    final class CountingSource: FrameLossSource, @unchecked Sendable {
        var calls = 0
        var name: String { "counting" }
        func losses(frames: Int, run: Int) throws -> [Double] {
            calls += 1
            return (0..<frames).map { Double($0 + 10 * run) }
        }
    }

    @Test func eachRunIsComputedOnceAndReturnedUnchanged() throws {
        let base = CountingSource()
        let cached = CachedFrameLosses(base)
        #expect(try cached.losses(frames: 3, run: 2) == [20, 21, 22])
        #expect(try cached.losses(frames: 3, run: 2) == [20, 21, 22])
        #expect(try cached.losses(frames: 2, run: 2) == [20, 21])
        #expect(base.calls == 2)
        #expect(cached.name == "counting")
    }
}
