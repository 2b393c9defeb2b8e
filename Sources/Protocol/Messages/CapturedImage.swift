import NIOCore

/// What a client-captured image is for.
public enum ImageKind: UInt8, CaseIterable, Sendable {
    /// A robot's real camera image for the MR frame of a slot (GSMR, x = 1).
    case mrFrame = 1
    /// A collector's pilot image (STT-GS pilot stage).
    case pilot = 2
    /// An item of a collector's dataset (STT-GS dataset stage).
    case datasetItem = 3
}

/// `IMAGE` (client → server): a captured image with the pose it was taken from.
public struct CapturedImage: Hashable, Sendable {
    /// What the image is for.
    public var kind: ImageKind
    /// The slot (`mrFrame`) or the item's index in the client's dataset (`pilot`, `datasetItem`).
    public var sequence: UInt64
    /// The camera pose the image was captured from.
    public var pose: Pose
    /// The image.
    public var image: EncodedImage

    /// An `IMAGE` message.
    public init(kind: ImageKind, sequence: UInt64, pose: Pose, image: EncodedImage) {
        self.kind = kind
        self.sequence = sequence
        self.pose = pose
        self.image = image
    }
}

extension CapturedImage: PayloadCodable {
    init(from reader: inout PayloadReader) throws(ProtocolError) {
        kind = try reader.readEnum("IMAGE.kind")
        sequence = try reader.readInteger("IMAGE.sequence")
        pose = try Pose(from: &reader)
        image = try EncodedImage(from: &reader)
    }

    func write(to buffer: inout ByteBuffer) throws(ProtocolError) {
        buffer.writeEnum(kind)
        buffer.writeInteger(sequence)
        try pose.write(to: &buffer)
        try image.write(to: &buffer)
    }
}
