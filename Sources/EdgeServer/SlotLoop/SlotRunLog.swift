import Foundation

/// Appends ``SlotRecord``s as JSON lines to a file (one `write` per slot).
final class SlotRunLog: @unchecked Sendable {
    // Only the slot loop's single task writes, one record at a time.
    private let handle: FileHandle
    private let encoder: JSONEncoder
    let path: String

    /// Creates (truncates) `path`.
    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw ConfigurationError(code: .unreadable, key: path, message: "cannot create the slot run log")
        }
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        encoder = .daemonStyle()
        self.path = path
    }

    func append(_ record: SlotRecord) throws {
        var line = try encoder.encode(record)
        line.append(0x0A)
        try handle.write(contentsOf: line)
    }

    func close() { try? handle.close() }
}
