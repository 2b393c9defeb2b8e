import Foundation

/// Decodes an instance file of any problem, mapping every decoding failure (missing key, wrong
/// type, non-finite number) to `OptimizerError(.invalidInstance)` so that callers report one
/// kind of error whatever went wrong in the file.
public enum InstanceDecoding {
    /// The decoded value of `type` from JSON bytes.
    public static func decode<Instance: Decodable>(_ type: Instance.Type, json data: Data) throws -> Instance {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as OptimizerError {
            throw error
        } catch let DecodingError.keyNotFound(key, _) {
            throw OptimizerError(.invalidInstance, "missing key '\(key.stringValue)'")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context),
            let DecodingError.dataCorrupted(context)
        {
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw OptimizerError(.invalidInstance, "bad value at '\(path)': \(context.debugDescription)")
        } catch {
            throw OptimizerError(.invalidInstance, "cannot decode instance: \(error)")
        }
    }
}
