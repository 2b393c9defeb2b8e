import NIOCore

/// A rigid pose in the world frame: metres and a unit quaternion.
///
/// Wire layout (56 bytes): `f64 px, py, pz, qx, qy, qz, qw`, all finite.
public struct Pose: Hashable, Sendable {
    /// Position in metres.
    public var position: SIMD3<Double>
    /// Orientation as a quaternion with the vector part in lanes x, y, z and the scalar part in
    /// lane w (the layout of `simd_quatd.vector`). Receivers normalise it; the zero quaternion
    /// is rejected because it names no rotation.
    public var orientation: SIMD4<Double>

    /// A pose from a position and an orientation quaternion `(x, y, z, w)`.
    public init(position: SIMD3<Double>, orientation: SIMD4<Double>) {
        self.position = position
        self.orientation = orientation
    }

    /// The identity rotation at the origin.
    public static let identity = Pose(position: .zero, orientation: SIMD4(0, 0, 0, 1))

    /// Bytes on the wire.
    static let wireSize = 56

    private static let coordinate = FloatField(name: "pose.position", domain: .finite)
    private static let quaternion = FloatField(name: "pose.orientation", domain: .finite)
}

// Both directions check fields first, then cross-field rules, so a payload fails with the same
// error whichever side detects it.
extension Pose: PayloadCodable {
    init(from reader: inout PayloadReader) throws(ProtocolError) {
        let x = try reader.readDouble(Self.coordinate)
        let y = try reader.readDouble(Self.coordinate)
        let z = try reader.readDouble(Self.coordinate)
        let qx = try reader.readDouble(Self.quaternion)
        let qy = try reader.readDouble(Self.quaternion)
        let qz = try reader.readDouble(Self.quaternion)
        let qw = try reader.readDouble(Self.quaternion)
        self.init(position: SIMD3(x, y, z), orientation: SIMD4(qx, qy, qz, qw))
        try validate()
    }

    func write(to buffer: inout ByteBuffer) throws(ProtocolError) {
        for i in 0..<3 { try Self.coordinate.check(position[i]) }
        for i in 0..<4 { try Self.quaternion.check(orientation[i]) }
        try validate()
        // One capacity check for all seven fields: poses dominate the protocol's traffic.
        buffer.writeMultipleIntegers(
            position.x.bitPattern, position.y.bitPattern, position.z.bitPattern, orientation.x.bitPattern,
            orientation.y.bitPattern, orientation.z.bitPattern, orientation.w.bitPattern)
    }

    private func validate() throws(ProtocolError) {
        guard orientation != .zero else {
            throw ProtocolError(.invalidValue, "pose.orientation is the zero quaternion")
        }
    }
}
