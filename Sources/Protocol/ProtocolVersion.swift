/// Protocol versions and their negotiation.
///
/// A client offers the range of versions it implements in `HELLO`; the server answers with
/// the highest version both implement in `WELCOME`, or with an `ERROR` (`version_mismatch`)
/// when the ranges do not overlap. `HELLO`, and the `ERROR` refusing it, always travel in
/// frames of version ``handshake``, whose layouts never change, so that any two releases can
/// at least tell each other why they cannot talk.
public enum ProtocolVersion {
    /// The versions this build encodes and decodes.
    public static let implemented: ClosedRange<UInt8> = 1...1

    /// The header version of the frame that carries `HELLO` (and an `ERROR` refusing it).
    public static let handshake: UInt8 = 1

    /// The highest version in both `offered` and `supported`.
    ///
    /// - Throws: `version_mismatch` when the ranges do not overlap.
    public static func negotiate(
        offered: ClosedRange<UInt8>, supported: ClosedRange<UInt8> = implemented
    ) throws(ProtocolError) -> UInt8 {
        let highest = min(offered.upperBound, supported.upperBound)
        guard highest >= max(offered.lowerBound, supported.lowerBound) else {
            throw ProtocolError(
                .versionMismatch,
                "client offers versions \(offered.lowerBound)...\(offered.upperBound), "
                    + "server supports \(supported.lowerBound)...\(supported.upperBound)")
        }
        return highest
    }
}
