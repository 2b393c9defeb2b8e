import Renderer

/// A named viewpoint (eye and look-at target) in the procedural world, either showing only what
/// memory and reality share or aimed at one of the world's changes. The STT-GS clients' drives
/// are built from these places.
public struct WorldViewpoint: Sendable, Equatable {
    /// Short name, for documentation and tests.
    public var name: String
    /// Camera position (m).
    public var eye: SIMD3<Float>
    /// Look-at point (m).
    public var target: SIMD3<Float>

    /// A viewpoint.
    public init(_ name: String, eye: SIMD3<Float>, target: SIMD3<Float>) {
        self.name = name
        self.eye = eye
        self.target = target
    }

    /// Views of the west and north-west walls and the two unchanged crates from inside the west
    /// half. Each heading keeps every change (the removed ball at (−2, 3.5), the bin at
    /// (−7.5, −5.5), the rolling ball along the south wall) more than 10° outside a 4:3 probe's
    /// horizontal field of view, also for headings in between two of them, so memory and reality
    /// render them identically.
    public static let unchanged = [
        WorldViewpoint("west wall", eye: SIMD3(-3, 0.5, 1.5), target: SIMD3(-10, 1.5, 1.2)),
        WorldViewpoint("north-west crates", eye: SIMD3(-4.5, 0, 1.4), target: SIMD3(-7, 4.5, 0.6)),
        WorldViewpoint("north-west corner", eye: SIMD3(-6, 1, 1.6), target: SIMD3(-9, 6, 1.2)),
        WorldViewpoint("west wall, north end", eye: SIMD3(-7, -1, 1.5), target: SIMD3(-10, 3, 1.0)),
    ]

    /// Views aimed at the world's changes (ProceduralWorld's "pain points").
    public static let changed = [
        WorldViewpoint("lamp corner", eye: SIMD3(3, 1, 1.6), target: SIMD3(8, 5, 1.0)),
        WorldViewpoint("removed crate", eye: SIMD3(0, -1, 1.5), target: SIMD3(4, -4, 0.4)),
        WorldViewpoint("added cart", eye: SIMD3(1, 1, 1.5), target: SIMD3(6, -1.5, 0.5)),
        WorldViewpoint("walker", eye: SIMD3(0, -2.5, 1.5), target: SIMD3(5, -2.5, 0.8)),
        WorldViewpoint("added bin", eye: SIMD3(-4, -2, 1.5), target: SIMD3(-7.5, -5.5, 0.4)),
        WorldViewpoint("rolling ball", eye: SIMD3(-6, -1, 1.5), target: SIMD3(-6, -6, 0.3)),
        WorldViewpoint("removed ball", eye: SIMD3(-4, 1, 1.4), target: SIMD3(-2, 3.5, 0.35)),
    ]

    /// The point a fraction `s` ∈ [0, 1] of the way from `self` to `other` (eye and target
    /// interpolated linearly).
    public func interpolated(to other: WorldViewpoint, fraction s: Float) -> WorldViewpoint {
        WorldViewpoint(name, eye: eye + (other.eye - eye) * s, target: target + (other.target - target) * s)
    }
}
