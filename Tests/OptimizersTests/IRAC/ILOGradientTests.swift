import Foundation
import SeededRandom
import Testing
@testable import Optimizers

/// Backpropagation against central finite differences, in Double (the network is generic over
/// the scalar; production runs it in Float through sgemm, these checks through dgemm).
@Suite("ILO gradients")
struct ILOGradientTests {
    static let step = 1e-6

    static func randomMatrix(rows: Int, columns: Int, seed: UInt64) -> ILOMatrix<Double> {
        var generator = SeededGenerator(seed: seed)
        return ILOMatrix(rows: rows, columns: columns, values: (0..<(rows * columns)).map { _ in generator.nextGaussian() })
    }

    /// ‖analytic − numeric‖ / max(‖analytic‖, ‖numeric‖).
    static func relativeError(_ analytic: [Double], _ numeric: [Double]) -> Double {
        let difference = zip(analytic, numeric).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
        let norm = max(analytic.reduce(0) { $0 + $1 * $1 }.squareRoot(), numeric.reduce(0) { $0 + $1 * $1 }.squareRoot())
        return difference / max(norm, 1e-300)
    }

    /// Central differences of `f` with respect to every entry of `values`.
    static func numericGradient(_ values: [Double], _ f: ([Double]) -> Double) -> [Double] {
        values.indices.map { i in
            var plus = values, minus = values
            plus[i] += step
            minus[i] -= step
            return (f(plus) - f(minus)) / (2 * step)
        }
    }

    @Test func denseLayerBackwardMatchesFiniteDifferences() {
        let input = Self.randomMatrix(rows: 5, columns: 4, seed: 1)
        let weights = Self.randomMatrix(rows: 4, columns: 3, seed: 2)
        let probe = Self.randomMatrix(rows: 5, columns: 3, seed: 3)  // loss = Σ probe ⊙ Y
        let bias = [0.1, -0.2, 0.3]
        func loss(_ layer: ILODenseLayer<Double>, _ x: ILOMatrix<Double>) -> Double {
            zip(layer.forward(x).values, probe.values).reduce(0) { $0 + $1.0 * $1.1 }
        }
        let layer = ILODenseLayer(weights: weights, bias: bias)
        let analytic = layer.backward(input: input, outputGradient: probe)
        let dW = Self.numericGradient(weights.values) {
            loss(ILODenseLayer(weights: ILOMatrix(rows: 4, columns: 3, values: $0), bias: bias), input)
        }
        let db = Self.numericGradient(bias) { loss(ILODenseLayer(weights: weights, bias: $0), input) }
        let dX = Self.numericGradient(input.values) { loss(layer, ILOMatrix(rows: 5, columns: 4, values: $0)) }
        #expect(Self.relativeError(analytic.weights.values, dW) < 1e-4)
        #expect(Self.relativeError(analytic.bias, db) < 1e-4)
        #expect(Self.relativeError(analytic.input.values, dX) < 1e-4)
    }

    /// Every parameter of every layer of the three-layer ReLU network, through the focal loss.
    @Test(arguments: [0.0, 2.0])
    func networkBackpropMatchesFiniteDifferences(gamma: Double) throws {
        let network = try ILONetwork<Double>(widths: [6, 8, 7, 1], seed: 4)
        let batch = Self.randomMatrix(rows: 9, columns: 6, seed: 5)
        let labels: [Double] = [1, 0, 0, 1, 1, 0, 1, 0, 0]
        let focal = ILOFocalLoss(alpha: 0.3, gamma: gamma)
        let trace = network.forward(batch)
        let analytic = ILONetwork.parameterArrays(
            of: network.gradients(trace, logitGradient: focal.gradient(logits: trace.logits, labels: labels)))
        for (array, values) in network.parameters.enumerated() {
            let numeric = Self.numericGradient(values) { perturbed in
                var copy = network
                copy.parameters[array] = perturbed
                return focal.value(logits: copy.logits(batch), labels: labels)
            }
            let error = Self.relativeError(analytic[array], numeric)
            #expect(error < 1e-4, "parameter array \(array) (layer \(array / 2)): relative error \(error)")
        }
    }

    @Test(arguments: [(0.5, 0.0), (0.25, 1.0), (0.25, 2.0), (0.75, 2.5)])
    func focalLossGradientMatchesFiniteDifferences(alpha: Double, gamma: Double) {
        let focal = ILOFocalLoss(alpha: alpha, gamma: gamma)
        let logits = [-30.0, -6, -2.5, -0.7, 0, 0.3, 1.9, 4, 12, -1.1, 0.9, 25]
        let labels: [Double] = [1, 0, 1, 0, 1, 0, 1, 0, 1, 1, 0, 0]
        // Row by row, so a row's tiny loss is not drowned by the others' rounding.
        for (z, y) in zip(logits, labels) {
            let analytic = focal.gradient(logits: [z], labels: [y])[0]
            let h = 1e-6 * max(1, abs(z))
            let numeric = (focal.value(logits: [z + h], labels: [y]) - focal.value(logits: [z - h], labels: [y])) / (2 * h)
            let error = abs(analytic - numeric) / max(abs(analytic), abs(numeric), 1e-300)
            #expect(error < 1e-4, "logit \(z) label \(y): \(analytic) vs \(numeric)")
        }
        // The batch gradient is the mean of the row gradients.
        let batch = focal.gradient(logits: logits, labels: labels)
        for i in logits.indices {
            let row = focal.gradient(logits: [logits[i]], labels: [labels[i]])[0] / Double(logits.count)
            #expect(abs(batch[i] - row) <= 1e-14 * abs(row))
        }
    }

    /// γ = 0, α = ½ is half the binary cross-entropy.
    @Test func focalLossReducesToCrossEntropy() {
        let focal = ILOFocalLoss(alpha: 0.5, gamma: 0)
        let z = 0.8, p = 1 / (1 + exp(-z))
        #expect(abs(focal.value(logits: [z], labels: [1.0]) - 0.5 * -log(p)) < 1e-14)
        #expect(abs(focal.value(logits: [z], labels: [0.0]) - 0.5 * -log(1 - p)) < 1e-14)
    }
}

@Suite("ILO AdamW")
struct ILOAdamWTests {
    /// Two steps written out by hand from the AdamW update rule.
    @Test func matchesHandComputedSteps() {
        var optimiser = ILOAdamW<Double>(learningRate: 0.1, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01)
        var parameters: [[Double]] = [[1.0, -2.0], [0.5]]
        optimiser.update(&parameters, gradients: [[0.5, -0.1], [0.0]])
        // Step 1: m̂ = g, v̂ = g², so the Adam direction is g/(|g| + ε).
        let step1 = [
            1.0 - 0.1 * (0.5 / (0.5 + 1e-8) + 0.01 * 1.0),
            -2.0 - 0.1 * (-0.1 / (0.1 + 1e-8) + 0.01 * -2.0),
            0.5 - 0.1 * (0 + 0.01 * 0.5),
        ]
        #expect(abs(parameters[0][0] - step1[0]) < 1e-15)
        #expect(abs(parameters[0][1] - step1[1]) < 1e-15)
        #expect(abs(parameters[1][0] - step1[2]) < 1e-15)
        optimiser.update(&parameters, gradients: [[0.2, 0.3], [1.0]])
        // Step 2 for the first entry: m = 0.9·0.05 + 0.1·0.2, v = 0.999·0.00025 + 0.001·0.04.
        let m = 0.9 * 0.05 + 0.1 * 0.2, v = 0.999 * 0.00025 + 0.001 * 0.04
        let mHat = m / (1 - 0.81), vHat = v / (1 - 0.999 * 0.999)
        let expected = step1[0] - 0.1 * (mHat / (vHat.squareRoot() + 1e-8) + 0.01 * step1[0])
        #expect(abs(parameters[0][0] - expected) < 1e-14)
        #expect(optimiser.step == 2)
    }
}
