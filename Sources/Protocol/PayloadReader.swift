import NIOCore

/// Reads one message payload field by field, validating as it goes.
///
/// Every read checks the bytes left first, so a hostile length or count can never make the
/// decoder read past the payload or reserve more storage than the payload could fill; the
/// payload itself was bounded by the configured maximum before it was read.
///
/// The reader walks the payload's bytes through one raw pointer (one `ByteBuffer` access per
/// payload rather than one per field) and exists only inside ``read(_:_:)``.
struct PayloadReader {
    /// The payload, for zero-copy slices of blob fields.
    private let payload: ByteBuffer
    /// The payload's readable bytes, valid for the reader's whole (scoped) life.
    private let bytes: UnsafeRawBufferPointer
    private var offset = 0

    private init(payload: ByteBuffer, bytes: UnsafeRawBufferPointer) {
        self.payload = payload
        self.bytes = bytes
    }

    /// Runs `body` with a reader over `payload`, then fails with `trailing_bytes` unless
    /// `body` consumed every byte.
    static func read<T>(
        _ payload: ByteBuffer, as type: MessageType, _ body: (inout PayloadReader) throws(ProtocolError) -> T
    ) throws(ProtocolError) -> T {
        try payload.withUnsafeReadableBytes { bytes throws(ProtocolError) in
            var reader = PayloadReader(payload: payload, bytes: bytes)
            let value = try body(&reader)
            guard reader.remaining == 0 else {
                throw ProtocolError(
                    .trailingBytes, "\(type) payload has \(reader.remaining) bytes after its last field")
            }
            return value
        }
    }

    var remaining: Int { bytes.count - offset }

    mutating func readInteger<T: FixedWidthInteger>(_ name: StaticString, as: T.Type = T.self) throws(ProtocolError) -> T {
        let size = MemoryLayout<T>.size
        guard remaining >= size else { throw truncated(name, needed: size) }
        defer { offset += size }
        return T(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    mutating func readDouble(_ field: FloatField) throws(ProtocolError) -> Double {
        let value = Double(bitPattern: try readInteger(field.name, as: UInt64.self))
        try field.check(value)
        return value
    }

    mutating func readBool(_ name: StaticString) throws(ProtocolError) -> Bool {
        switch try readInteger(name, as: UInt8.self) {
        case 0: return false
        case 1: return true
        case let other: throw ProtocolError(.invalidValue, "\(name) must be 0 or 1, got \(other)")
        }
    }

    mutating func readEnum<T: RawRepresentable>(_ name: StaticString, as: T.Type = T.self) throws(ProtocolError) -> T
    where T.RawValue == UInt8 {
        let raw = try readInteger(name, as: UInt8.self)
        guard let value = T(rawValue: raw) else {
            throw ProtocolError(.invalidValue, "\(name) has no meaning for value \(raw)")
        }
        return value
    }

    mutating func readString(_ field: StringField) throws(ProtocolError) -> String {
        let length = Int(try readInteger(field.name, as: UInt16.self))
        try field.check(byteCount: length)
        let raw = try take(field.name, length)
        // `String(decoding:)` repairs invalid sequences with U+FFFD; the bytes survive
        // unchanged exactly when they were valid UTF-8.
        let string = String(decoding: raw, as: UTF8.self)
        let unchanged = string.utf8.withContiguousStorageIfAvailable {
            $0.count == raw.count && UnsafeRawBufferPointer($0).elementsEqual(raw)
        }
        guard unchanged == true else {
            throw ProtocolError(.invalidUTF8, "\(field.name) is not valid UTF-8")
        }
        return string
    }

    /// A `u32`-length-prefixed byte string, returned as a slice of the payload (no copy).
    mutating func readBlob(_ name: StaticString) throws(ProtocolError) -> ByteBuffer {
        let length = Int(try readInteger(name, as: UInt32.self))
        let start = offset
        _ = try take(name, length)
        // Cannot fail: `take` checked the bytes are there.
        return payload.getSlice(at: payload.readerIndex + start, length: length)!
    }

    /// Exactly `count` raw bytes (for fixed-size fields such as digests).
    mutating func readBytes(_ name: StaticString, count: Int) throws(ProtocolError) -> [UInt8] {
        Array(try take(name, count))
    }

    /// A `u16`-counted list; the count is checked against the field's maximum and against
    /// the bytes left before anything is reserved or read.
    mutating func readList<Element>(
        _ field: ListField, element: (inout PayloadReader) throws(ProtocolError) -> Element
    ) throws(ProtocolError) -> [Element] {
        let count = Int(try readInteger(field.name, as: UInt16.self))
        try field.check(count: count)
        guard count * field.elementSize <= remaining else {
            throw ProtocolError(
                .countMismatch,
                "\(field.name) declares \(count) elements of at least \(field.elementSize) bytes, "
                    + "but only \(remaining) payload bytes remain")
        }
        var elements: [Element] = []
        elements.reserveCapacity(count)
        for _ in 0..<count { elements.append(try element(&self)) }
        return elements
    }

    /// The next `count` bytes, consumed.
    private mutating func take(_ name: StaticString, _ count: Int) throws(ProtocolError) -> UnsafeRawBufferPointer {
        guard remaining >= count else { throw truncated(name, needed: count) }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count])
    }

    private func truncated(_ name: StaticString, needed: Int) -> ProtocolError {
        ProtocolError(.truncated, "payload ends inside \(name): needs \(needed) bytes, \(remaining) remain")
    }
}
