import NIOCore

/// Reads one message payload field by field, validating as it goes.
///
/// Every read checks the bytes left first, so a hostile length or count can never make the
/// decoder read past the payload or reserve more storage than the payload could fill; the
/// payload itself was bounded by the configured maximum before it was read.
struct PayloadReader {
    private(set) var buffer: ByteBuffer

    init(_ payload: ByteBuffer) { self.buffer = payload }

    var remaining: Int { buffer.readableBytes }

    /// Fails with `trailing_bytes` unless every byte of the payload was consumed.
    func finish(_ message: MessageType) throws(ProtocolError) {
        guard remaining == 0 else {
            throw ProtocolError(.trailingBytes, "\(message) payload has \(remaining) bytes after its last field")
        }
    }

    mutating func readInteger<T: FixedWidthInteger>(_ name: StaticString, as: T.Type = T.self) throws(ProtocolError) -> T {
        guard let value = buffer.readInteger(endianness: .big, as: T.self) else {
            throw truncated(name, needed: MemoryLayout<T>.size)
        }
        return value
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
        guard let bytes = buffer.readSlice(length: length) else {
            throw truncated(field.name, needed: length)
        }
        // `String(decoding:)` repairs invalid sequences with U+FFFD; the bytes survive
        // unchanged exactly when they were valid UTF-8.
        let string = bytes.readableBytesView.withContiguousStorageIfAvailable {
            String(decoding: $0, as: UTF8.self)
        } ?? String(decoding: bytes.readableBytesView, as: UTF8.self)
        guard string.utf8.elementsEqual(bytes.readableBytesView) else {
            throw ProtocolError(.invalidUTF8, "\(field.name) is not valid UTF-8")
        }
        return string
    }

    /// A `u32`-length-prefixed byte string, returned as a slice of the payload (no copy).
    mutating func readBlob(_ name: StaticString) throws(ProtocolError) -> ByteBuffer {
        let length = Int(try readInteger(name, as: UInt32.self))
        guard let blob = buffer.readSlice(length: length) else {
            throw truncated(name, needed: length)
        }
        return blob
    }

    /// Exactly `count` raw bytes (for fixed-size fields such as digests).
    mutating func readBytes(_ name: StaticString, count: Int) throws(ProtocolError) -> [UInt8] {
        guard let bytes = buffer.readBytes(length: count) else {
            throw truncated(name, needed: count)
        }
        return bytes
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
                "\(field.name) declares \(count) elements of \(field.elementSize) bytes, "
                    + "but only \(remaining) payload bytes remain")
        }
        var elements: [Element] = []
        elements.reserveCapacity(count)
        for _ in 0..<count { elements.append(try element(&self)) }
        return elements
    }

    private func truncated(_ name: StaticString, needed: Int) -> ProtocolError {
        ProtocolError(.truncated, "payload ends inside \(name): needs \(needed) bytes, \(remaining) remain")
    }
}
