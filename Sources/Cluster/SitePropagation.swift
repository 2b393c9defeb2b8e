import Foundation

/// Propagation delay between two sites of the metropolitan network from their positions: the
/// SCC paper (papers/scc-mo-cmpo.txt §IV-A) takes the synchronisation and sensor latencies to
/// scale linearly with the inter-cell distance; here the constant is the delay of light in
/// fibre, about 5 µs/km (refractive index ≈ 1.5, so ≈ 2·10⁸ m/s), unless configured otherwise.
///
/// This kernel has no `netem`, so the daemons add this delay in user space on their inter-edge
/// link (``oneWaySeconds(from:to:)`` before a remote view's request and again before its answer
/// is used) and add it to the handshake latency they measure (see docs/OPERATIONS.md).
public struct SitePropagation: Sendable, Equatable {
    /// Light in fibre: 5 µs per km.
    public static let fibreMicrosecondsPerKm = 5.0

    /// Delay per km of distance, in microseconds (≥ 0).
    public var microsecondsPerKm: Double

    public init(microsecondsPerKm: Double = Self.fibreMicrosecondsPerKm) {
        self.microsecondsPerKm = microsecondsPerKm.isFinite && microsecondsPerKm > 0 ? microsecondsPerKm : 0
    }

    /// The planar distance in km between two positions `[x, y]` (0 when either is missing or malformed).
    public static func distanceKm(_ a: [Double]?, _ b: [Double]?) -> Double {
        guard let a, let b, a.count == 2, b.count == 2, (a + b).allSatisfy(\.isFinite) else { return 0 }
        return hypot(a[0] - b[0], a[1] - b[1])
    }

    /// One-way propagation delay (s) between sites at `a` and `b`.
    public func oneWaySeconds(from a: [Double]?, to b: [Double]?) -> Double {
        Self.distanceKm(a, b) * microsecondsPerKm * 1e-6
    }
}
