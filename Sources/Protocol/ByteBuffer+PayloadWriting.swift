import NIOCore

/// The encoder's counterparts of ``PayloadReader``'s reads: the same field rules, checked
/// before anything is written, so no invalid payload ever leaves this process.
extension ByteBuffer {
    mutating func writeDouble(_ value: Double, as field: FloatField) throws(ProtocolError) {
        try field.check(value)
        writeInteger(value.bitPattern, endianness: .big)
    }

    mutating func writeBool(_ value: Bool) {
        writeInteger(value ? 1 : 0, as: UInt8.self)
    }

    mutating func writeEnum<T: RawRepresentable>(_ value: T) where T.RawValue == UInt8 {
        writeInteger(value.rawValue)
    }

    mutating func writeString(_ value: String, as field: StringField) throws(ProtocolError) {
        let length = value.utf8.count
        try field.check(byteCount: length)
        writeInteger(UInt16(length), endianness: .big)
        writeString(value)
    }

    /// A `u32`-length-prefixed byte string.
    mutating func writeBlob(_ blob: ByteBuffer, name: StaticString) throws(ProtocolError) {
        guard let length = UInt32(exactly: blob.readableBytes) else {
            throw ProtocolError(.frameTooLarge, "\(name) has \(blob.readableBytes) bytes, more than a u32 length can describe")
        }
        writeInteger(length, endianness: .big)
        writeImmutableBuffer(blob)
    }

    /// A `u16`-counted list, elements written by `element`.
    mutating func writeList<Element>(
        _ elements: [Element], as field: ListField,
        element: (inout ByteBuffer, Element) throws(ProtocolError) -> Void
    ) throws(ProtocolError) {
        try field.check(count: elements.count)
        writeInteger(UInt16(elements.count), endianness: .big)
        for item in elements { try element(&self, item) }
    }
}
