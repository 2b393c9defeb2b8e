import SeededRandom

/// ILO's network: fully connected layers with ReLU after every layer but the last, which
/// outputs one logit per row (paper §4: three layers, ReLU on the first two).
public struct ILONetwork<Scalar: ILOScalar>: Sendable, Equatable {
    /// The layers, input first.
    public var layers: [ILODenseLayer<Scalar>]

    /// A network over given layers; consecutive widths must match and the last must be 1.
    public init(layers: [ILODenseLayer<Scalar>]) throws {
        guard let last = layers.last, last.outputWidth == 1 else {
            throw OptimizerError(.badFile, "ILO network: the last layer must have one output")
        }
        for (a, b) in zip(layers, layers.dropFirst()) where a.outputWidth != b.inputWidth {
            throw OptimizerError(.badFile, "ILO network: layer widths \(a.outputWidth) and \(b.inputWidth) do not chain")
        }
        self.layers = layers
    }

    /// A freshly initialised network with layer widths `widths` (input, hidden…, 1): He-normal
    /// weights (suited to ReLU), zero biases, drawn from `seed`.
    public init(widths: [Int], seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed, stream: 0x11_0, index: 0)
        let layers = zip(widths, widths.dropFirst()).map { inputs, outputs in
            let scale = (2 / Double(inputs)).squareRoot()
            let values = (0..<(inputs * outputs)).map { _ in Scalar(scale * generator.nextGaussian()) }
            return ILODenseLayer(
                weights: ILOMatrix(rows: inputs, columns: outputs, values: values),
                bias: [Scalar](repeating: 0, count: outputs))
        }
        try self.init(layers: layers)
    }

    /// Number of inputs per row.
    public var inputWidth: Int { layers[0].inputWidth }

    /// Inputs of every layer (post-activation) and the final logits, kept for backprop.
    public struct Trace: Sendable {
        /// `inputs[l]` is what layer l received; `inputs[0]` is the batch itself.
        public var inputs: [ILOMatrix<Scalar>]
        /// One logit per row.
        public var logits: [Scalar]
    }

    /// The forward pass, keeping what backprop needs.
    public func forward(_ batch: ILOMatrix<Scalar>) -> Trace {
        var inputs = [batch]
        var current = batch
        for (index, layer) in layers.enumerated() {
            let hidden = index < layers.count - 1
            current = layer.forward(current, rectified: hidden)
            if hidden { inputs.append(current) }
        }
        return Trace(inputs: inputs, logits: current.values)
    }

    /// One logit per row of `batch`.
    public func logits(_ batch: ILOMatrix<Scalar>) -> [Scalar] { forward(batch).logits }

    /// Gradients with respect to every parameter, in the shape of `layers`, given the
    /// gradient of the loss with respect to the logits.
    public func gradients(_ trace: Trace, logitGradient: [Scalar]) -> [ILODenseLayer<Scalar>] {
        var upstream = ILOMatrix(rows: logitGradient.count, columns: 1, values: logitGradient)
        var result = [ILODenseLayer<Scalar>]()
        for index in layers.indices.reversed() {
            let input = trace.inputs[index]
            let (weights, bias, inputGradient) = layers[index].backward(input: input, outputGradient: upstream)
            result.append(ILODenseLayer(weights: weights, bias: bias))
            upstream = inputGradient
            // ReLU: the gradient passes where the activation was positive.
            if index > 0 {
                for i in upstream.values.indices where input.values[i] <= 0 { upstream.values[i] = 0 }
            }
        }
        return result.reversed()
    }

    /// Per-layer gradients (as returned by `gradients`) in the `parameters` layout.
    public static func parameterArrays(of layers: [ILODenseLayer<Scalar>]) -> [[Scalar]] {
        layers.flatMap { [$0.weights.values, $0.bias] }
    }

    /// Every parameter array, layer by layer: W₀, b₀, W₁, b₁, …
    public var parameters: [[Scalar]] {
        get { Self.parameterArrays(of: layers) }
        set {
            for index in layers.indices {
                layers[index].weights.values = newValue[2 * index]
                layers[index].bias = newValue[2 * index + 1]
            }
        }
    }
}
