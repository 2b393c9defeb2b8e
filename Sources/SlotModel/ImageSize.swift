import Renderer

/// An image resolution given as `WIDTHxHEIGHT` (e.g. `64x48`), with the intrinsics used for it.
public struct ImageSize: Sendable, Equatable, CustomStringConvertible {
    /// Width in pixels (1…4096).
    public var width: Int
    /// Height in pixels (1…4096).
    public var height: Int

    /// A size; nil unless both sides are in 1…4096.
    public init?(width: Int, height: Int) {
        guard (1...4096).contains(width), (1...4096).contains(height) else { return nil }
        self.width = width
        self.height = height
    }

    /// Parses `WIDTHxHEIGHT`; nil for anything else.
    public init?(_ text: String) {
        let parts = text.lowercased().split(separator: "x")
        guard parts.count == 2, let w = Int(parts[0]), let h = Int(parts[1]) else { return nil }
        self.init(width: w, height: h)
    }

    public var description: String { "\(width)x\(height)" }

    /// Pinhole intrinsics with the 60° vertical field of view every splatedge camera uses.
    public var intrinsics: Camera.Intrinsics {
        Camera.Intrinsics(width: width, height: height, verticalFieldOfViewDegrees: 60)
    }

    /// Bits of the raw 8-bit RGB image.
    public var rawBits: Double { Double(width * height * 24) }
}
