import Foundation

extension JSONEncoder {
    /// The daemon's one JSON style for everything it writes or serves (`/v1/status`, `/v1/models`,
    /// the live view's events, round reports, the slot run log): sorted snake_case keys, ISO 8601
    /// dates, and non-finite numbers as the strings `inf`, `-inf`, `nan` rather than an error.
    static func daemonStyle(pretty: Bool = false) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = pretty ? [.sortedKeys, .prettyPrinted] : [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }
}
