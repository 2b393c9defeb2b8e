import NIOCore

/// Which phase of the system a `SCHEDULE` belongs to.
public enum ScheduleStage: UInt8, CaseIterable, Sendable {
    /// A slot of the robots' and users' loop (`SCHEDULE.slot` is the slot index).
    case slot = 0
    /// An STT-GS round's pilot stage (`SCHEDULE.slot` is the round index).
    case pilotUpload = 1
    /// An STT-GS round's dataset stage (`SCHEDULE.slot` is the round index).
    case datasetUpload = 2
    /// The collector has nothing to send until the next round.
    case idle = 3
}

/// Another client transmitting in the same slot or stage: what a receiver needs to derive the
/// interference it causes (its link id keys the shared seeded channel).
public struct CoScheduledTransmitter: Hashable, Sendable {
    /// The other client's link id (from its `WELCOME`).
    public var linkID: UInt32
    /// Its transmit power in watts (finite, ≥ 0).
    public var powerWatts: Double

    /// A co-scheduled transmitter.
    public init(linkID: UInt32, powerWatts: Double) {
        self.linkID = linkID
        self.powerWatts = powerWatts
    }
}

/// `SCHEDULE` (server → client): the decision for one client in one slot or stage.
public struct Schedule: Hashable, Sendable {
    /// The slot index (stage `slot`) or the round index (collector stages).
    public var slot: UInt64
    /// The phase this decision applies to.
    public var stage: ScheduleStage
    /// The decision x: a robot uploads its real image (true) or only its pose; a user receives
    /// an edge-rendered frame (true) or renders locally; a collector uploads in this stage.
    public var decision: Bool
    /// Transmit power in watts (finite, ≥ 0).
    public var powerWatts: Double
    /// The rate the server expects the link to achieve, bits per second (finite, ≥ 0).
    public var expectedRateBitsPerSecond: Double
    /// Deadline in microseconds after the start of the slot or stage.
    public var deadlineMicroseconds: UInt32
    /// Length of the slot or stage in microseconds (≥ 1).
    public var stageDurationMicroseconds: UInt32
    /// The other clients transmitting at the same time (at most 4096).
    public var coScheduled: [CoScheduledTransmitter]

    /// A `SCHEDULE` message.
    public init(
        slot: UInt64, stage: ScheduleStage = .slot, decision: Bool, powerWatts: Double,
        expectedRateBitsPerSecond: Double, deadlineMicroseconds: UInt32,
        stageDurationMicroseconds: UInt32, coScheduled: [CoScheduledTransmitter] = []
    ) {
        self.slot = slot
        self.stage = stage
        self.decision = decision
        self.powerWatts = powerWatts
        self.expectedRateBitsPerSecond = expectedRateBitsPerSecond
        self.deadlineMicroseconds = deadlineMicroseconds
        self.stageDurationMicroseconds = stageDurationMicroseconds
        self.coScheduled = coScheduled
    }

    static let powerField = FloatField(name: "SCHEDULE.power_w", domain: .nonNegative)
    static let rateField = FloatField(name: "SCHEDULE.expected_rate_bps", domain: .nonNegative)
    static let coPowerField = FloatField(name: "SCHEDULE.co_scheduled.power_w", domain: .nonNegative)
    static let coScheduledField = ListField(name: "SCHEDULE.co_scheduled", maxCount: 4096, elementSize: 12)
}

extension Schedule: PayloadCodable {
    init(from reader: inout PayloadReader) throws(ProtocolError) {
        slot = try reader.readInteger("SCHEDULE.slot")
        stage = try reader.readEnum("SCHEDULE.stage")
        decision = try reader.readBool("SCHEDULE.decision")
        powerWatts = try reader.readDouble(Self.powerField)
        expectedRateBitsPerSecond = try reader.readDouble(Self.rateField)
        deadlineMicroseconds = try reader.readInteger("SCHEDULE.deadline_us")
        stageDurationMicroseconds = try reader.readInteger("SCHEDULE.stage_duration_us")
        coScheduled = try reader.readList(Self.coScheduledField) { reader throws(ProtocolError) in
            CoScheduledTransmitter(
                linkID: try reader.readInteger("SCHEDULE.co_scheduled.link_id"),
                powerWatts: try reader.readDouble(Self.coPowerField))
        }
        try validate()
    }

    func write(to buffer: inout ByteBuffer) throws(ProtocolError) {
        buffer.writeInteger(slot)
        buffer.writeEnum(stage)
        buffer.writeBool(decision)
        try buffer.writeDouble(powerWatts, as: Self.powerField)
        try buffer.writeDouble(expectedRateBitsPerSecond, as: Self.rateField)
        buffer.writeInteger(deadlineMicroseconds)
        buffer.writeInteger(stageDurationMicroseconds)
        try buffer.writeList(coScheduled, as: Self.coScheduledField) { buffer, other throws(ProtocolError) in
            buffer.writeInteger(other.linkID)
            try buffer.writeDouble(other.powerWatts, as: Self.coPowerField)
        }
        try validate()
    }

    private func validate() throws(ProtocolError) {
        guard stageDurationMicroseconds >= 1 else {
            throw ProtocolError(.invalidValue, "SCHEDULE.stage_duration_us must be ≥ 1")
        }
    }
}
