import Foundation

/// The model file: JSON with the format tag, the layer widths, T, K and every parameter array
/// (W₀, b₀, W₁, b₁, …, row-major).
extension MOCMPOModel {
    /// The file's `"format"` value.
    public static let formatTag = "scc-mocmpo-v1"

    struct File: Codable {
        var format: String
        var widths: [Int]
        var diffusionSteps: Int
        var inferenceSteps: Int
        var parameters: [[Float]]
    }

    /// The model as file data.
    public func encoded() throws -> Data {
        let widths = [network.inputWidth] + network.layers.map(\.outputWidth)
        let file = File(
            format: Self.formatTag, widths: widths, diffusionSteps: diffusionSteps,
            inferenceSteps: inferenceSteps, parameters: network.parameters)
        return try JSONEncoder().encode(file)
    }

    /// Writes the model to `url`.
    public func save(to url: URL) throws { try encoded().write(to: url) }

    /// A model from file data; throws `OptimizerError(.badFile)` saying what is wrong.
    public init(data: Data, source: String) throws {
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: data)
        } catch {
            throw OptimizerError(.badFile, "\(source) is not an MO-CMPO model file: \(error)")
        }
        guard file.format == Self.formatTag else {
            throw OptimizerError(.badFile, "\(source): format '\(file.format)', expected '\(Self.formatTag)'")
        }
        guard file.widths.first == MOCMPOFeatures.width, file.widths.last == 1, file.widths.count >= 2,
            file.parameters.count == 2 * (file.widths.count - 1), file.diffusionSteps > 0, file.inferenceSteps > 0
        else { throw OptimizerError(.badFile, "\(source): widths \(file.widths) or step counts do not describe an MO-CMPO model") }
        var network = try ILONetwork<Float>(widths: file.widths, seed: 0)
        for (index, (inputs, outputs)) in zip(file.widths, file.widths.dropFirst()).enumerated() {
            guard file.parameters[2 * index].count == inputs * outputs, file.parameters[2 * index + 1].count == outputs,
                (file.parameters[2 * index] + file.parameters[2 * index + 1]).allSatisfy(\.isFinite)
            else { throw OptimizerError(.badFile, "\(source): layer \(index) parameters are missing, misshapen or not finite") }
        }
        network.parameters = file.parameters
        self.init(network: network, diffusionSteps: file.diffusionSteps, inferenceSteps: file.inferenceSteps)
    }

    /// Loads a model file.
    public static func load(from url: URL) throws -> MOCMPOModel {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw OptimizerError(.badFile, "cannot read the MO-CMPO model \(url.path): \(error.localizedDescription)")
        }
        return try MOCMPOModel(data: data, source: url.path)
    }

    /// The model shipped with the Optimizers module (`SCC/MOCMPO/Resources`, loaded once).
    public static func shipped() throws -> MOCMPOModel { try shippedModel.get() }

    private static let shippedModel: Result<MOCMPOModel, OptimizerError> =
        BundledResource.load(formatTag, what: "MO-CMPO model", with: load(from:))
}
