import Foundation
import Protocol

/// The byte format of a collector's pilot set or dataset upload (docs/PROTOCOL.md, "STT-GS
/// rounds"): big-endian, `"SGSB"`, `u32` version 1, `u32` count, then per sample `u32` index,
/// seven `f64` (position x y z, quaternion x y z w), `u16` width, `u16` height and
/// `width·height·3` RGB bytes.
public enum SampleBundle {
    /// The format's leading bytes.
    static let magic: [UInt8] = Array("SGSB".utf8)
    /// The only version.
    static let version: UInt32 = 1

    /// Encodes `samples` in order.
    public static func encode(_ samples: [CollectedSample]) -> [UInt8] {
        var out = magic
        append(version, to: &out)
        append(UInt32(samples.count), to: &out)
        for sample in samples {
            append(UInt32(sample.index), to: &out)
            let p = sample.pose.position, q = sample.pose.orientation
            for value in [p.x, p.y, p.z, q.x, q.y, q.z, q.w] { append(value.bitPattern, to: &out) }
            append(UInt16(sample.width), to: &out)
            append(UInt16(sample.height), to: &out)
            out += sample.rgb
        }
        return out
    }

    /// Decodes a bundle.
    ///
    /// - Throws: ``SampleBundleError`` for a wrong magic or version, a truncated bundle, trailing
    ///   bytes, a non-finite pose or an empty image.
    public static func decode(_ bytes: [UInt8]) throws(SampleBundleError) -> [CollectedSample] {
        var reader = Reader(bytes: bytes)
        guard try reader.take(4) == magic else { throw SampleBundleError("not a sample bundle (magic)") }
        let found: UInt32 = try reader.integer()
        guard found == version else { throw SampleBundleError("bundle version \(found), expected \(version)") }
        let count: UInt32 = try reader.integer()
        var samples: [CollectedSample] = []
        for _ in 0..<count {
            let index: UInt32 = try reader.integer()
            var values: [Double] = []
            for _ in 0..<7 { values.append(Double(bitPattern: try reader.integer())) }
            guard values.allSatisfy(\.isFinite) else { throw SampleBundleError("sample \(index) has a non-finite pose") }
            // The POSE message's rule: renders and losses are computed at these poses.
            guard values[0..<3].allSatisfy({ abs($0) <= Pose.maxCoordinateMetres }), values[3..<7].contains(where: { $0 != 0 }) else {
                throw SampleBundleError("sample \(index) has a position beyond ±\(Pose.maxCoordinateMetres) m or a zero quaternion")
            }
            let width = Int(try reader.integer() as UInt16), height = Int(try reader.integer() as UInt16)
            guard width > 0, height > 0 else { throw SampleBundleError("sample \(index) has an empty image") }
            let pose = Pose(position: SIMD3(values[0], values[1], values[2]), orientation: SIMD4(values[3], values[4], values[5], values[6]))
            samples.append(CollectedSample(index: Int(index), pose: pose, width: width, height: height, rgb: try reader.take(width * height * 3)))
        }
        guard reader.offset == bytes.count else { throw SampleBundleError("\(bytes.count - reader.offset) trailing bytes") }
        return samples
    }

    private static func append<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { out += $0 }
    }

    private struct Reader {
        let bytes: [UInt8]
        var offset = 0

        mutating func take(_ count: Int) throws(SampleBundleError) -> [UInt8] {
            guard count <= bytes.count - offset else { throw SampleBundleError("truncated at byte \(offset)") }
            defer { offset += count }
            return Array(bytes[offset..<(offset + count)])
        }

        mutating func integer<T: FixedWidthInteger>() throws(SampleBundleError) -> T {
            try take(MemoryLayout<T>.size).reduce(T(0)) { $0 << 8 | T($1) }
        }
    }
}

/// A sample bundle that cannot be decoded.
public struct SampleBundleError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong.
    public var message: String

    /// An error.
    public init(_ message: String) { self.message = message }

    public var description: String { "sample bundle: \(message)" }
}
