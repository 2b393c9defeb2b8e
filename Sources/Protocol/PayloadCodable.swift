import NIOCore

/// A message payload that knows its own wire layout in both directions.
///
/// Each conforming type keeps its encoder and decoder side by side, driven by the same field
/// rules, and runs the same cross-field checks on both paths.
protocol PayloadCodable: Hashable, Sendable {
    /// Reads and validates the payload's fields (the caller checks for trailing bytes).
    init(from reader: inout PayloadReader) throws(ProtocolError)

    /// Validates and writes the payload's fields.
    func write(to buffer: inout ByteBuffer) throws(ProtocolError)
}
