/// The documented bounds of a length-prefixed (`u16`) UTF-8 string field.
///
/// The same value drives the encoder and the decoder, so what one side refuses to send the
/// other side refuses to accept.
struct StringField: Sendable {
    /// The field's documented name, used in error messages.
    let name: StaticString
    /// Allowed length in UTF-8 bytes (never above `UInt16.max`, the prefix's range).
    let bytes: ClosedRange<Int>

    func check(byteCount: Int) throws(ProtocolError) {
        guard bytes.contains(byteCount) else {
            throw ProtocolError(
                .stringLength,
                "\(name) is \(byteCount) bytes, allowed \(bytes.lowerBound)...\(bytes.upperBound)")
        }
    }
}

/// The domain of an IEEE-754 binary64 field.
struct FloatField: Sendable {
    /// Which values a float field admits beyond finiteness.
    enum Domain: Sendable {
        /// Any finite value.
        case finite
        /// Finite and ≥ 0 (powers, rates, gains, losses). −0 counts as 0.
        case nonNegative
    }

    /// The field's documented name, used in error messages.
    let name: StaticString
    /// The admitted values.
    let domain: Domain

    func check(_ value: Double) throws(ProtocolError) {
        guard value.isFinite else {
            throw ProtocolError(.nonFiniteValue, "\(name) must be finite, got \(value)")
        }
        if domain == .nonNegative, value < 0 {
            throw ProtocolError(.invalidValue, "\(name) must be ≥ 0, got \(value)")
        }
    }
}

/// The bounds of a `u16`-counted list of fixed-size elements.
struct ListField: Sendable {
    /// The field's documented name, used in error messages.
    let name: StaticString
    /// The largest count accepted.
    let maxCount: Int
    /// Bytes per element on the wire; a count is checked against the bytes left before any
    /// element is read or any storage is reserved.
    let elementSize: Int

    func check(count: Int) throws(ProtocolError) {
        guard count <= maxCount else {
            throw ProtocolError(.tooManyElements, "\(name) has \(count) elements, at most \(maxCount) allowed")
        }
    }
}
