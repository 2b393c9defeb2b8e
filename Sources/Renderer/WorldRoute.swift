import Foundation
import SeededRandom

/// A closed polyline walked at constant speed: a robot's patrol or a user's stroll.
public struct WorldRoute: Sendable, Equatable {
    /// Corners of the loop (the last connects back to the first).
    public let waypoints: [SIMD3<Float>]
    /// Walking speed in metres per second.
    public let speed: Float
    /// How far ahead along the route the camera looks, in metres.
    public let lookAhead: Float

    /// A route through `waypoints` (at least two, finite, not all equal).
    public init(waypoints: [SIMD3<Float>], speed: Float = 0.8, lookAhead: Float = 1.5) throws {
        guard waypoints.count >= 2, waypoints.allSatisfy({ ($0 * $0).sum().isFinite }) else {
            throw RendererError(.invalidArgument, "a route needs at least two finite waypoints")
        }
        guard speed > 0, speed.isFinite, lookAhead > 0, lookAhead.isFinite else {
            throw RendererError(.invalidArgument, "route speed and look-ahead must be positive")
        }
        self.init(validated: waypoints, speed: speed, lookAhead: lookAhead)
        guard length > 1e-3 else { throw RendererError(.invalidArgument, "route has zero length") }
    }

    /// A route from waypoints the caller guarantees to be finite and of positive length.
    init(validated waypoints: [SIMD3<Float>], speed: Float = 0.8, lookAhead: Float = 1.5) {
        self.waypoints = waypoints
        self.speed = speed
        self.lookAhead = lookAhead
    }

    /// Length of the closed loop in metres.
    public var length: Float {
        waypoints.indices.reduce(0) { $0 + Renderer.length(waypoints[($1 + 1) % waypoints.count] - waypoints[$1]) }
    }

    /// Seconds for one lap.
    public var period: Double { Double(length / speed) }

    /// The point at arc length `s` (wrapping around the loop).
    public func point(atDistance s: Float) -> SIMD3<Float> {
        var remaining = s.truncatingRemainder(dividingBy: length)
        if remaining < 0 { remaining += length }
        for i in waypoints.indices {
            let a = waypoints[i], b = waypoints[(i + 1) % waypoints.count]
            let segment = Renderer.length(b - a)
            if remaining <= segment, segment > 0 { return a + (b - a) * (remaining / segment) }
            remaining -= segment
        }
        return waypoints[0]
    }

    /// Where the walker is at time `t` seconds.
    public func position(atTime t: Double) -> SIMD3<Float> {
        point(atDistance: Float((t * Double(speed)).truncatingRemainder(dividingBy: Double(length))))
    }

    /// The camera at time `t`, looking at the route point `lookAhead` metres further on,
    /// slightly downwards.
    public func camera(atTime t: Double, intrinsics: Camera.Intrinsics) throws -> Camera {
        let s = Float((t * Double(speed)).truncatingRemainder(dividingBy: Double(length)))
        let eye = point(atDistance: s)
        var target = point(atDistance: s + lookAhead) - SIMD3(0, 0, 0.25 * lookAhead)
        if Renderer.length(target - eye) < 1e-3 { target = eye + SIMD3(1, 0, -0.2) }
        return try Camera.lookAt(eye: eye, target: target, up: SIMD3(0, 0, 1), intrinsics: intrinsics)
    }
}

extension ProceduralWorld {
    /// Route `index` of the world: 0 is the perimeter patrol at 1.2 m; other indices are
    /// seeded random loops of 4–6 waypoints inside the room at 0.8–1.8 m height.
    public func route(index: Int) -> WorldRoute {
        let (hx, hy) = (Self.roomHalfSize.x, Self.roomHalfSize.y)
        if index == 0 {
            return WorldRoute(validated: [
                SIMD3(-hx + 1.8, -hy + 1.8, 1.2), SIMD3(hx - 1.8, -hy + 1.8, 1.2),
                SIMD3(hx - 1.8, hy - 1.8, 1.2), SIMD3(-hx + 1.8, hy - 1.8, 1.2),
            ])
        }
        var rng = SeededGenerator(seed: seed, stream: 100, index: UInt64(index))
        let height = Float(rng.nextUniform(in: 0.8..<1.8))
        let count = 4 + Int(rng.next() % 3)
        // Points on a jittered ellipse keep the loop from crossing itself.
        let centre = SIMD2<Float>(Float(rng.nextUniform(in: -3..<3)), Float(rng.nextUniform(in: -2..<2)))
        let radii = SIMD2<Float>(Float(rng.nextUniform(in: 2.5..<6)), Float(rng.nextUniform(in: 2..<4)))
        let phase = rng.nextUniform(in: 0..<(2 * Double.pi))
        let waypoints = (0..<count).map { k -> SIMD3<Float> in
            let angle = Float(phase + 2 * Double.pi * Double(k) / Double(count) + rng.nextUniform(in: -0.3..<0.3))
            let p = centre + radii * SIMD2(cos(angle), sin(angle)) * Float(rng.nextUniform(in: 0.8..<1.1))
            return SIMD3(min(max(p.x, -hx + 0.8), hx - 0.8), min(max(p.y, -hy + 0.8), hy - 0.8), height)
        }
        return WorldRoute(validated: waypoints, speed: Float(rng.nextUniform(in: 0.5..<1.2)))
    }

    /// View `index` of `count` on an inward-looking ring, the layout of an object-centric
    /// capture walked around the room: eyes on an ellipse at 70 % of the room's half-size (so the
    /// far wall stays in view), at 1.2–1.8 m height varying three times per lap, each looking at
    /// the room's centre at 1 m. Neighbouring views overlap, so views interleaved along the ring
    /// (the reference's every-8th hold-out, Kerbl et al. 2023 §7.1) see surfaces their training
    /// neighbours saw.
    public func ringCamera(index: Int, of count: Int, intrinsics: Camera.Intrinsics) throws -> Camera {
        guard count > 0, (0..<count).contains(index) else {
            throw RendererError(.invalidArgument, "ring view \(index) of \(count) does not exist")
        }
        let angle = 2 * Float.pi * Float(index) / Float(count)
        let radii = 0.7 * Self.roomHalfSize
        let eye = SIMD3(radii.x * cos(angle), radii.y * sin(angle), 1.5 + 0.3 * sin(3 * angle))
        return try Camera.lookAt(eye: eye, target: SIMD3(0, 0, 1), intrinsics: intrinsics)
    }

    /// A random viewpoint inside the room at eye height, looking at a random point on the
    /// opposite side, drawn from `rng`.
    public func randomCamera(using rng: inout some RandomNumberGenerator, intrinsics: Camera.Intrinsics) throws -> Camera {
        let (hx, hy) = (Double(Self.roomHalfSize.x), Double(Self.roomHalfSize.y))
        let eye = SIMD3<Float>(
            Float(rng.nextUniform(in: (-hx + 1)..<(hx - 1))), Float(rng.nextUniform(in: (-hy + 1)..<(hy - 1))),
            Float(rng.nextUniform(in: 0.8..<2.0)))
        let target = SIMD3<Float>(Float(rng.nextUniform(in: -hx..<hx)), Float(rng.nextUniform(in: -hy..<hy)), Float(rng.nextUniform(in: 0.3..<1.5)))
        let direction = target - eye
        let safeTarget = (direction.x * direction.x + direction.y * direction.y) < 0.25 ? eye + SIMD3(1, 0, -0.3) : target
        return try Camera.lookAt(eye: eye, target: safeTarget, intrinsics: intrinsics)
    }
}
