/// Limits shared by ``WireFrameDecoder`` and ``WireFrameEncoder``.
public struct CodecConfiguration: Hashable, Sendable {
    /// The default largest payload: 16 MiB.
    public static let defaultMaxPayloadLength = 16 * 1024 * 1024

    /// The largest payload accepted or produced, in bytes. The decoder checks a frame's length
    /// field against it before it waits for, reads or allocates anything of the payload.
    public var maxPayloadLength: Int
    /// The header versions accepted or produced; a subset of ``ProtocolVersion/implemented``.
    /// After negotiation a session may narrow it to the chosen version.
    public var acceptedVersions: ClosedRange<UInt8>

    /// A configuration; `maxPayloadLength` must lie in `0...UInt32.max` and
    /// `acceptedVersions` within ``ProtocolVersion/implemented``.
    public init(
        maxPayloadLength: Int = defaultMaxPayloadLength,
        acceptedVersions: ClosedRange<UInt8> = ProtocolVersion.implemented
    ) {
        precondition((0...Int(UInt32.max)).contains(maxPayloadLength), "maxPayloadLength must fit in a u32")
        precondition(
            ProtocolVersion.implemented.contains(acceptedVersions.lowerBound)
                && ProtocolVersion.implemented.contains(acceptedVersions.upperBound),
            "acceptedVersions must be implemented by this build")
        self.maxPayloadLength = maxPayloadLength
        self.acceptedVersions = acceptedVersions
    }
}
