import Foundation

/// Files shipped as resources of the Optimizers module (trained models).
enum BundledResource {
    /// Loads `<name>.json` from the module bundle with `load`, every failure as an
    /// `OptimizerError(.badFile)` saying which file (`what`) and why.
    static func load<T>(_ name: String, what: String, with load: (URL) throws -> T) -> Result<T, OptimizerError> {
        guard let url = Bundle.module.url(forResource: name, withExtension: "json") else {
            return .failure(OptimizerError(.badFile, "the shipped \(what) \(name).json is missing from the bundle"))
        }
        do {
            return .success(try load(url))
        } catch let error as OptimizerError {
            return .failure(error)
        } catch {
            return .failure(OptimizerError(.badFile, "\(error)"))
        }
    }
}
