import NIOCore

/// `WELCOME` (server → client): accepts a session. Sent in a frame of the chosen version.
public struct Welcome: Hashable, Sendable {
    /// The version chosen by negotiation; every later frame of the session uses it.
    public var version: UInt8
    /// The session's identifier, unique within the server's lifetime.
    public var sessionID: UInt64
    /// The client's link id: with `channelSeed` and a slot it keys the seeded fading
    /// realisation both ends derive for this client's emulated link.
    public var linkID: UInt32
    /// The seed of the server's channel realisations.
    public var channelSeed: UInt64
    /// Slot length τ in microseconds (≥ 1).
    public var slotLengthMicroseconds: UInt32
    /// The slot that is current when the session opens.
    public var currentSlot: UInt64
    /// The largest frame payload the server accepts, in bytes (≥ 1).
    public var maxPayloadLength: UInt32
    /// The largest `UPLOAD_CHUNK` data the server accepts, in bytes (≥ 1).
    public var maxChunkLength: UInt32
    /// The most planned future poses the server uses from a `POSE` (its horizon).
    public var maxPlannedPoses: UInt16

    /// A `WELCOME` message.
    public init(
        version: UInt8, sessionID: UInt64, linkID: UInt32, channelSeed: UInt64,
        slotLengthMicroseconds: UInt32, currentSlot: UInt64, maxPayloadLength: UInt32,
        maxChunkLength: UInt32, maxPlannedPoses: UInt16
    ) {
        self.version = version
        self.sessionID = sessionID
        self.linkID = linkID
        self.channelSeed = channelSeed
        self.slotLengthMicroseconds = slotLengthMicroseconds
        self.currentSlot = currentSlot
        self.maxPayloadLength = maxPayloadLength
        self.maxChunkLength = maxChunkLength
        self.maxPlannedPoses = maxPlannedPoses
    }
}

extension Welcome: PayloadCodable {
    init(from reader: inout PayloadReader) throws(ProtocolError) {
        version = try reader.readInteger("WELCOME.version")
        sessionID = try reader.readInteger("WELCOME.session_id")
        linkID = try reader.readInteger("WELCOME.link_id")
        channelSeed = try reader.readInteger("WELCOME.channel_seed")
        slotLengthMicroseconds = try reader.readInteger("WELCOME.slot_length_us")
        currentSlot = try reader.readInteger("WELCOME.current_slot")
        maxPayloadLength = try reader.readInteger("WELCOME.max_payload_length")
        maxChunkLength = try reader.readInteger("WELCOME.max_chunk_length")
        maxPlannedPoses = try reader.readInteger("WELCOME.max_planned_poses")
        try validate()
    }

    func write(to buffer: inout ByteBuffer) throws(ProtocolError) {
        buffer.writeInteger(version)
        buffer.writeInteger(sessionID)
        buffer.writeInteger(linkID)
        buffer.writeInteger(channelSeed)
        buffer.writeInteger(slotLengthMicroseconds)
        buffer.writeInteger(currentSlot)
        buffer.writeInteger(maxPayloadLength)
        buffer.writeInteger(maxChunkLength)
        buffer.writeInteger(maxPlannedPoses)
        try validate()
    }

    private func validate() throws(ProtocolError) {
        for (name, value) in [
            ("WELCOME.version", UInt32(version)), ("WELCOME.slot_length_us", slotLengthMicroseconds),
            ("WELCOME.max_payload_length", maxPayloadLength), ("WELCOME.max_chunk_length", maxChunkLength),
        ] where value == 0 {
            throw ProtocolError(.invalidValue, "\(name) must be ≥ 1")
        }
    }
}
