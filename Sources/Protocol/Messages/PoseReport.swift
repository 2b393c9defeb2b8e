import NIOCore

/// `POSE` (client → server): where the client is in a slot, and where it plans to be.
public struct PoseReport: Hashable, Sendable {
    /// The slot this pose belongs to.
    public var slot: UInt64
    /// When the pose was sampled, in nanoseconds since the Unix epoch (client clock).
    public var timestampNanoseconds: UInt64
    /// The pose in the slot.
    public var pose: Pose
    /// The loss the client itself measured for this slot (robots in "oracle" experiments,
    /// finite and ≥ 0), or `nil` when it does not report one.
    public var oracleLoss: Double?
    /// Planned poses for the following slots: element `i` is the pose for slot `slot + 1 + i`
    /// (GSMR's receding horizon). At most 256.
    public var plannedPoses: [Pose]

    /// A `POSE` message.
    public init(
        slot: UInt64, timestampNanoseconds: UInt64, pose: Pose, oracleLoss: Double? = nil,
        plannedPoses: [Pose] = []
    ) {
        self.slot = slot
        self.timestampNanoseconds = timestampNanoseconds
        self.pose = pose
        self.oracleLoss = oracleLoss
        self.plannedPoses = plannedPoses
    }

    static let oracleLossField = FloatField(name: "POSE.oracle_loss", domain: .nonNegative)
    static let plannedPosesField = ListField(name: "POSE.planned_poses", maxCount: 256, elementSize: Pose.wireSize)
}

extension PoseReport: PayloadCodable {
    init(from reader: inout PayloadReader) throws(ProtocolError) {
        slot = try reader.readInteger("POSE.slot")
        timestampNanoseconds = try reader.readInteger("POSE.timestamp_ns")
        pose = try Pose(from: &reader)
        oracleLoss = try reader.readBool("POSE.has_oracle_loss") ? try reader.readDouble(Self.oracleLossField) : nil
        plannedPoses = try reader.readList(Self.plannedPosesField) { reader throws(ProtocolError) in
            try Pose(from: &reader)
        }
    }

    func write(to buffer: inout ByteBuffer) throws(ProtocolError) {
        buffer.writeMultipleIntegers(slot, timestampNanoseconds)
        try pose.write(to: &buffer)
        buffer.writeBool(oracleLoss != nil)
        if let oracleLoss { try buffer.writeDouble(oracleLoss, as: Self.oracleLossField) }
        try buffer.writeList(plannedPoses, as: Self.plannedPosesField) { buffer, pose throws(ProtocolError) in
            try pose.write(to: &buffer)
        }
    }
}
