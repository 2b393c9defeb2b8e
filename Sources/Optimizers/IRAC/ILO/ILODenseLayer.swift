/// A fully connected layer y = x W + b (W is inputs × outputs, row-major).
public struct ILODenseLayer<Scalar: ILOScalar>: Sendable, Equatable {
    /// W, inputs × outputs.
    public var weights: ILOMatrix<Scalar>
    /// b, one per output.
    public var bias: [Scalar]

    /// A layer with the given parameters.
    public init(weights: ILOMatrix<Scalar>, bias: [Scalar]) {
        precondition(bias.count == weights.columns, "bias length must equal the output width")
        self.weights = weights
        self.bias = bias
    }

    /// Inputs this layer takes.
    public var inputWidth: Int { weights.rows }
    /// Outputs it produces.
    public var outputWidth: Int { weights.columns }

    /// The batch's outputs X W + b, with ReLU applied when `rectified`.
    public func forward(_ input: ILOMatrix<Scalar>, rectified: Bool = false) -> ILOMatrix<Scalar> {
        var output = input.multiplied(by: weights)
        let width = outputWidth
        bias.withUnsafeBufferPointer { b in
            output.values.withUnsafeMutableBufferPointer { y in
                for row in 0..<output.rows {
                    let base = row * width
                    for j in 0..<width {
                        let value = y[base + j] + b[j]
                        y[base + j] = rectified && value < 0 ? 0 : value
                    }
                }
            }
        }
        return output
    }

    /// Gradients of a loss with respect to W, b and the input, given ∂loss/∂output:
    /// ∂W = Xᵀ ∂Y, ∂b = Σ_rows ∂Y, ∂X = ∂Y Wᵀ.
    public func backward(
        input: ILOMatrix<Scalar>, outputGradient: ILOMatrix<Scalar>
    ) -> (weights: ILOMatrix<Scalar>, bias: [Scalar], input: ILOMatrix<Scalar>) {
        let weightGradient = input.multiplied(by: outputGradient, transposeSelf: true)
        var biasGradient = [Scalar](repeating: 0, count: outputWidth)
        for row in 0..<outputGradient.rows {
            let base = row * outputWidth
            for j in 0..<outputWidth { biasGradient[j] += outputGradient.values[base + j] }
        }
        let inputGradient = outputGradient.multiplied(by: weights, transposeOther: true)
        return (weightGradient, biasGradient, inputGradient)
    }
}
