import NIOCore

/// What a client is, as declared in `HELLO`.
public enum ClientRole: UInt8, CaseIterable, Sendable {
    /// A GSMR robot: streams poses and, when scheduled, real images.
    case robot = 1
    /// An ECO-GS render user: streams poses, receives frames when the edge renders for it.
    case user = 2
    /// An STT-GS data collector: uploads pilots and datasets in rounds.
    case collector = 3
}

/// `HELLO` (client → server): opens a session.
///
/// Always sent in a frame of header version ``ProtocolVersion/handshake``.
public struct Hello: Hashable, Sendable {
    /// The lowest protocol version the client implements (≥ 1).
    public var minVersion: UInt8
    /// The highest protocol version the client implements (≥ `minVersion`).
    public var maxVersion: UInt8
    /// What the client is.
    public var role: ClientRole
    /// Stable identity of the client (1–64 UTF-8 bytes); reconnecting with the same id resumes
    /// its session.
    public var clientID: String
    /// Authentication token (0–256 UTF-8 bytes).
    public var token: String
    /// Optional features the client supports (at most 32, each 1–32 UTF-8 bytes); unknown
    /// capabilities are ignored by the receiver.
    public var capabilities: [String]

    /// A `HELLO` message.
    public init(
        minVersion: UInt8 = ProtocolVersion.implemented.lowerBound,
        maxVersion: UInt8 = ProtocolVersion.implemented.upperBound,
        role: ClientRole, clientID: String, token: String, capabilities: [String] = []
    ) {
        self.minVersion = minVersion
        self.maxVersion = maxVersion
        self.role = role
        self.clientID = clientID
        self.token = token
        self.capabilities = capabilities
    }

    /// The version the server should answer with in `WELCOME`.
    ///
    /// - Throws: `invalid_value` when the offered range is empty or includes 0,
    ///   `version_mismatch` when it and `supported` do not overlap.
    public func negotiatedVersion(supported: ClosedRange<UInt8> = ProtocolVersion.implemented) throws(ProtocolError) -> UInt8 {
        try validate()
        return try ProtocolVersion.negotiate(offered: minVersion...maxVersion, supported: supported)
    }

    /// The largest HELLO payload the field limits allow (1,417 bytes): what a receiver needs to
    /// buffer of a peer that has not yet authenticated.
    public static var maxPayloadLength: Int {
        3 + (2 + clientIDField.bytes.upperBound) + (2 + tokenField.bytes.upperBound)
            + 2 + capabilitiesField.maxCount * (2 + capabilityField.bytes.upperBound)
    }

    static let clientIDField = StringField(name: "HELLO.client_id", bytes: 1...64)
    static let tokenField = StringField(name: "HELLO.token", bytes: 0...256)
    static let capabilityField = StringField(name: "HELLO.capability", bytes: 1...32)
    static let capabilitiesField = ListField(name: "HELLO.capabilities", maxCount: 32, elementSize: 3)
}

extension Hello: PayloadCodable {
    init(from reader: inout PayloadReader) throws(ProtocolError) {
        minVersion = try reader.readInteger("HELLO.min_version")
        maxVersion = try reader.readInteger("HELLO.max_version")
        role = try reader.readEnum("HELLO.role")
        clientID = try reader.readString(Self.clientIDField)
        token = try reader.readString(Self.tokenField)
        capabilities = try reader.readList(Self.capabilitiesField) { reader throws(ProtocolError) in
            try reader.readString(Self.capabilityField)
        }
        try validate()
    }

    func write(to buffer: inout ByteBuffer) throws(ProtocolError) {
        buffer.writeInteger(minVersion)
        buffer.writeInteger(maxVersion)
        buffer.writeEnum(role)
        try buffer.writeString(clientID, as: Self.clientIDField)
        try buffer.writeString(token, as: Self.tokenField)
        try buffer.writeList(capabilities, as: Self.capabilitiesField) { buffer, capability throws(ProtocolError) in
            try buffer.writeString(capability, as: Self.capabilityField)
        }
        try validate()
    }

    fileprivate func validate() throws(ProtocolError) {
        guard minVersion >= 1, minVersion <= maxVersion else {
            throw ProtocolError(
                .invalidValue, "HELLO version range \(minVersion)...\(maxVersion) is empty or includes 0")
        }
    }
}
