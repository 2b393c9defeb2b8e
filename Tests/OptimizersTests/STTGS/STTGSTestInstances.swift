import Foundation
import Optimizers
import SeededRandom
import Wireless

/// Small random STT-GS instances for tests, built directly from the Wireless channel model
/// (independent of the generator under test).
enum STTGSTestInstances {
    /// K clients in a 100 m square, N antennas, paper budgets; `load` scales the data volume
    /// so that more or fewer clients fit.
    static func random(clients: Int, seed: UInt64, antennas: Int = 8, load: Double = 1) -> STTGSInstance {
        var generator = SeededGenerator(seed: seed)
        let pathLoss = PathLoss(referenceGainDB: -30, exponent: 3)
        let channels = (0..<clients).map { _ in
            let x = generator.nextUniform(in: -50..<50), y = generator.nextUniform(in: -50..<50)
            let beta = pathLoss.gain(distance: (x * x + y * y).squareRoot()) * Units.ratio(fromDB: -20)
            return RicianChannel(antennas: antennas, kFactorDB: -26, largeScaleGain: beta).draw(using: &generator)
        }
        let images = (0..<clients).map { _ in 200 + Int(generator.next() % 100) }
        return STTGSInstance(
            noisePower: Units.watts(fromDBm: -100),
            bandwidths: [Double](repeating: 10e6, count: clients),
            timeBudget: 350, powerSum: 0.3, powerMax: 0.2,
            imageCounts: images, pilotCounts: images.map { ($0 + 9) / 10 },
            bitsPerSample: (0..<clients).map { _ in load * generator.nextUniform(in: 4e6..<8e6) },
            predictedLoss: (0..<clients).map { _ in generator.nextUniform(in: 5..<100) },
            gains: ChannelVector.mrcCompositeGains(channels))
    }
}
