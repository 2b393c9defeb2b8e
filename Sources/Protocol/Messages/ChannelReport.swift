import NIOCore

/// One complex channel coefficient `h_n = real + j·imaginary`.
public struct ChannelCoefficient: Hashable, Sendable {
    /// Real part.
    public var real: Double
    /// Imaginary part.
    public var imaginary: Double

    /// The coefficient `real + j·imaginary`.
    public init(real: Double, imaginary: Double) {
        self.real = real
        self.imaginary = imaginary
    }
}

/// `CHANNEL_REPORT` (client → server): the client's view of its channel in a slot.
public struct ChannelReport: Hashable, Sendable {
    /// The slot the estimate belongs to.
    public var slot: UInt64
    /// Measured signal-to-noise ratio in dB (finite).
    public var snrDecibels: Double
    /// Channel gain ‖h‖² as a linear ratio (finite, ≥ 0).
    public var gain: Double
    /// The channel estimate per server antenna (at most 1024 coefficients, each finite);
    /// empty when the client reports only `gain`.
    public var coefficients: [ChannelCoefficient]
    /// Transmissions the client carried out at its scheduled power so far (running count).
    public var transmissions: UInt32
    /// Of those, the ones the true channel could not finish by their deadline (running count).
    public var outages: UInt32

    /// A `CHANNEL_REPORT` message.
    public init(
        slot: UInt64, snrDecibels: Double, gain: Double, coefficients: [ChannelCoefficient] = [],
        transmissions: UInt32 = 0, outages: UInt32 = 0
    ) {
        self.slot = slot
        self.snrDecibels = snrDecibels
        self.gain = gain
        self.coefficients = coefficients
        self.transmissions = transmissions
        self.outages = outages
    }

    static let snrField = FloatField(name: "CHANNEL_REPORT.snr_db", domain: .finite)
    static let gainField = FloatField(name: "CHANNEL_REPORT.gain", domain: .nonNegative)
    static let coefficientField = FloatField(name: "CHANNEL_REPORT.coefficient", domain: .finite)
    static let coefficientsField = ListField(name: "CHANNEL_REPORT.coefficients", maxCount: 1024, elementSize: 16)
}

extension ChannelReport: PayloadCodable {
    init(from reader: inout PayloadReader) throws(ProtocolError) {
        slot = try reader.readInteger("CHANNEL_REPORT.slot")
        snrDecibels = try reader.readDouble(Self.snrField)
        gain = try reader.readDouble(Self.gainField)
        coefficients = try reader.readList(Self.coefficientsField) { reader throws(ProtocolError) in
            ChannelCoefficient(
                real: try reader.readDouble(Self.coefficientField),
                imaginary: try reader.readDouble(Self.coefficientField))
        }
        transmissions = try reader.readInteger("CHANNEL_REPORT.transmissions")
        outages = try reader.readInteger("CHANNEL_REPORT.outages")
    }

    func write(to buffer: inout ByteBuffer) throws(ProtocolError) {
        buffer.writeInteger(slot)
        try buffer.writeDouble(snrDecibels, as: Self.snrField)
        try buffer.writeDouble(gain, as: Self.gainField)
        try buffer.writeList(coefficients, as: Self.coefficientsField) { buffer, h throws(ProtocolError) in
            try buffer.writeDouble(h.real, as: Self.coefficientField)
            try buffer.writeDouble(h.imaginary, as: Self.coefficientField)
        }
        buffer.writeInteger(transmissions)
        buffer.writeInteger(outages)
    }
}
