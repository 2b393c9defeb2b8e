import Foundation
import Renderer
import Testing

@testable import Training

@Suite struct SceneDistillationTests {
    /// The fixture scene (SH 1) as teacher, a third of it pruned to SH 0 as student; 24 ring
    /// views to train on and 8 others (every fourth of a 32-view ring) held out.
    static let teacher = TrainingFixtures.groundTruth()
    static let ring = TrainingFixtures.ringCameras(count: 32)
    static let training = ring.indices.filter { $0 % 4 != 0 }.map { ring[$0] }
    static let heldOut = ring.indices.filter { $0 % 4 == 0 }.map { ring[$0] }
    static let student = try! SceneCompressor.compress(teacher, target: .fraction(1.0 / 3), compensatesArea: true).scene

    static func distill(iterations: Int, halfPrecision: Bool = false) throws -> SceneDistillation.Result {
        var settings = SceneDistillation.Settings()
        settings.iterations = iterations
        settings.halfPrecision = halfPrecision
        settings.threads = 2
        return try SceneDistillation.distill(
            teacher: teacher, student: student, trainingCameras: training, heldOutCameras: heldOut, settings: settings)
    }

    @Test func distillationRaisesHeldOutPSNRByAtLeastThreeDecibels() throws {
        let result = try Self.distill(iterations: 400)
        #expect(result.trained.psnr >= result.initial.psnr + 3, "initial \(result.initial.psnr) dB, final \(result.trained.psnr) dB")
        #expect(result.trained.ssim > result.initial.ssim)
        #expect(result.model.scene.count == Self.student.count)
        #expect(result.model.scene.shDegree == 0)
    }

    @Test func reportedQualityMatchesADirectRenderAndMetric() throws {
        let result = try Self.distill(iterations: 20)
        var psnr = 0.0
        for camera in Self.heldOut {
            let reference = GaussianRasterizer().render(Self.teacher, camera: camera).clampedToUnitRange()
            let candidate = GaussianRasterizer().render(result.model.scene, camera: camera).clampedToUnitRange()
            var squared = 0.0
            for (a, b) in zip(reference.pixels, candidate.pixels) { squared += Double(a - b) * Double(a - b) }
            psnr += -10 * log10(squared / Double(reference.pixels.count))
        }
        #expect(abs(psnr / Double(Self.heldOut.count) - result.trained.psnr) < 1e-3)
    }

    @Test func halfPrecisionStoresFP16ValuesAtHalfTheBytes() throws {
        let result = try Self.distill(iterations: 10, halfPrecision: true)
        #expect(result.model.halfPrecision)
        #expect(result.model.bytes == Self.student.count * 14 * 2)
        let values = result.model.scene.positions + result.model.scene.logScales + result.model.scene.sh
        #expect(values.allSatisfy { Float(Float16($0)) == $0 })
    }

    @Test func aStudentWithHigherSHIsRefused() throws {
        #expect(throws: TrainingError.self) {
            try SceneDistillation.distill(teacher: Self.teacher, student: Self.teacher, trainingCameras: Self.training, heldOutCameras: Self.heldOut)
        }
    }

    @Test func fineTuningStartsAtTheConfiguredSHDegree() throws {
        var configuration = TrainingConfiguration()
        configuration.maxSHDegree = 1
        configuration.startSHDegree = 3
        let views = try SceneDistillation.teacherViews(Self.teacher, cameras: Self.heldOut, prefix: "v")
        let trainer = try GaussianTrainer(scene: Self.teacher, views: views, configuration: configuration)
        #expect(trainer.activeSHDegree == 1)
        configuration.startSHDegree = 0
        #expect(try GaussianTrainer(scene: Self.teacher, views: views, configuration: configuration).activeSHDegree == 0)
    }
}
