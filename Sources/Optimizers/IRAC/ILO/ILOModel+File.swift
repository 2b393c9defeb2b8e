import Foundation

extension ILOModel {
    /// The `format` tag of every ILO model file.
    public static let fileFormat = "splatedge-ilo-irac"
    /// The file version this build writes and reads.
    public static let fileVersion = 1

    /// The on-disk layout (snake_case JSON). Weights are stored as decimal Doubles, which
    /// represent every Float exactly, so a save/load round trip is bit-identical.
    struct File: Codable {
        var format: String
        var version: Int
        var featureNames: [String]
        var featureMean: [Double]
        var featureScale: [Double]
        var maxUsers: Int
        var layers: [Layer]
        var training: ILOTrainingRecord

        struct Layer: Codable {
            var inputs: Int
            var outputs: Int
            /// inputs × outputs, row-major (row = input unit).
            var weights: [Double]
            var bias: [Double]
        }
    }

    /// The model as JSON bytes.
    public func encoded() throws -> Data {
        let file = File(
            format: Self.fileFormat, version: Self.fileVersion, featureNames: ILOFeatures.names,
            featureMean: featureMean, featureScale: featureScale, maxUsers: maxUsers,
            layers: network.layers.map {
                File.Layer(
                    inputs: $0.inputWidth, outputs: $0.outputWidth,
                    weights: $0.weights.values.map(Double.init), bias: $0.bias.map(Double.init))
            },
            training: training)
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(file)
    }

    /// Writes the model file.
    public func save(to url: URL) throws {
        do {
            try encoded().write(to: url)
        } catch {
            throw OptimizerError(.badFile, "cannot write ILO model to \(url.path): \(error)")
        }
    }

    /// Reads a model from JSON bytes; any format problem throws `.badFile`.
    public static func decode(_ data: Data) throws -> ILOModel {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let file: File
        do {
            file = try decoder.decode(File.self, from: data)
        } catch {
            throw OptimizerError(.badFile, "not an ILO model file: \(error)")
        }
        guard file.format == fileFormat, file.version == fileVersion else {
            throw OptimizerError(
                .badFile, "ILO model format \(file.format) v\(file.version); this build reads \(fileFormat) v\(fileVersion)")
        }
        guard file.featureNames == ILOFeatures.names else {
            throw OptimizerError(.badFile, "ILO model features \(file.featureNames) differ from \(ILOFeatures.names)")
        }
        let layers = try file.layers.map { layer in
            guard layer.weights.count == layer.inputs * layer.outputs, layer.bias.count == layer.outputs else {
                throw OptimizerError(.badFile, "ILO model layer \(layer.inputs)×\(layer.outputs) has wrong array sizes")
            }
            return ILODenseLayer(
                weights: ILOMatrix(rows: layer.inputs, columns: layer.outputs, values: layer.weights.map { Float($0) }),
                bias: layer.bias.map { Float($0) })
        }
        return try ILOModel(
            network: ILONetwork(layers: layers), featureMean: file.featureMean,
            featureScale: file.featureScale, maxUsers: file.maxUsers, training: file.training)
    }

    /// Reads a model file.
    public static func load(from url: URL) throws -> ILOModel {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw OptimizerError(.badFile, "cannot read ILO model \(url.path): \(error.localizedDescription)")
        }
        return try decode(data)
    }

    /// The model shipped with the Optimizers module (loaded once).
    public static func shipped() throws -> ILOModel {
        try shippedModel.get()
    }

    private static let shippedModel: Result<ILOModel, OptimizerError> =
        BundledResource.load("ilo-irac-v1", what: "ILO model", with: load(from:))
}
