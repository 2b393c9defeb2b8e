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

    /// The largest |coordinate| a pose may have, in metres (100 km: past any cell, any robot's
    /// world and any metropolitan edge network). Receivers compute grids, cameras, path loss and
    /// powers from positions; a bound on the wire keeps all of them finite and representable.
    public static let maxCoordinateMetres = 100_000.0

    /// The orientation scaled to a unit quaternion, exactly for every finite non-zero input.
    ///
    /// The components are divided by the largest magnitude first, so neither the sum of squares
    /// of tiny components (1e−200) underflows to zero nor that of huge ones (1e300) overflows.
    public var unitOrientation: SIMD4<Double> {
        let scale = orientation.replacing(with: -orientation, where: orientation .< 0).max()
        guard scale > 0, scale.isFinite else { return SIMD4(0, 0, 0, 1) }
        let scaled = orientation / scale
        return scaled / (scaled * scaled).sum().squareRoot()
    }

    /// The pose with ``unitOrientation``.
    public var normalized: Pose { Pose(position: position, orientation: unitOrientation) }

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
        for i in 0..<3 where abs(position[i]) > Self.maxCoordinateMetres {
            throw ProtocolError(
                .invalidValue, "pose.position has |\(position[i])| m > \(Self.maxCoordinateMetres) m")
        }
        guard orientation != .zero else {
            throw ProtocolError(.invalidValue, "pose.orientation is the zero quaternion")
        }
    }
}
