import Foundation
import Protocol
import Renderer
import SeededRandom
import SlotModel

/// A robot with unicycle kinematics `s_{t+1} = s_t + F(s_t, u_t) τ`, state s = (x, y, θ),
/// control u = (v, ω), F = (v cos θ, v sin θ, ω), following a ``WorldRoute`` of the
/// procedural world with a pure-pursuit controller (steer towards the next waypoint).
struct UnicycleRobot: Sendable {
    var x: Double
    var y: Double
    var heading: Double
    let height: Double
    let route: WorldRoute
    let tau: Double
    private var target = 1

    /// Largest turn rate (rad/s).
    static let maxTurnRate = 1.5
    /// A waypoint counts as reached within this distance (m).
    static let arrivalRadius = 0.4

    init(route: WorldRoute, tau: Double) {
        self.route = route
        self.tau = tau
        let start = route.waypoints[0], next = route.waypoints[1 % route.waypoints.count]
        x = Double(start.x)
        y = Double(start.y)
        height = Double(start.z)
        heading = atan2(Double(next.y - start.y), Double(next.x - start.x))
    }

    /// The control u = (v, ω) towards the current waypoint.
    private func control() -> (speed: Double, turnRate: Double) {
        let goal = route.waypoints[target]
        let bearing = atan2(Double(goal.y) - y, Double(goal.x) - x)
        let error = remainder(bearing - heading, 2 * .pi)
        let turnRate = max(-Self.maxTurnRate, min(Self.maxTurnRate, 2 * error))
        // Slow down while turning sharply, so the robot does not orbit its waypoint.
        return (Double(route.speed) * max(0.2, cos(error)), turnRate)
    }

    /// One step of τ seconds.
    mutating func step() {
        let (v, omega) = control()
        x += v * cos(heading) * tau
        y += v * sin(heading) * tau
        heading += omega * tau
        let goal = route.waypoints[target]
        if hypot(Double(goal.x) - x, Double(goal.y) - y) < Self.arrivalRadius { target = (target + 1) % route.waypoints.count }
    }

    /// The camera pose: at the robot, looking along its heading, slightly down.
    var pose: Pose {
        let eye = SIMD3<Float>(Float(x), Float(y), Float(height))
        let look = eye + SIMD3(Float(cos(heading)), Float(sin(heading)), -0.25)
        return (try? Camera.lookAt(eye: eye, target: look, intrinsics: ImageSize(width: 8, height: 8)!.intrinsics))
            .map(Pose.init(camera:)) ?? Pose(position: SIMD3(x, y, height), orientation: SIMD4(0, 0, 0, 1))
    }

    /// The next `count` poses the robot will have (its plan), without moving it.
    func plannedPoses(_ count: Int) -> [Pose] {
        var future = self
        return (0..<count).map { _ in
            future.step()
            return future.pose
        }
    }
}

/// A render user: body on a slow seeded ellipse around a spot in the room, head turning
/// smoothly left and right.
struct UserMotion: Sendable {
    let centre: SIMD2<Double>
    let radii: SIMD2<Double>
    let angularSpeed: Double
    let phase: Double
    let eyeHeight: Double

    init(seed: UInt64, index: Int) {
        var rng = SeededGenerator(seed: seed, stream: 7, index: UInt64(index))
        centre = SIMD2(rng.nextUniform(in: -6..<6), rng.nextUniform(in: -4..<4))
        radii = SIMD2(rng.nextUniform(in: 0.5..<2.5), rng.nextUniform(in: 0.5..<2))
        angularSpeed = rng.nextUniform(in: 0.05..<0.2)
        phase = rng.nextUniform(in: 0..<(2 * .pi))
        eyeHeight = rng.nextUniform(in: 1.5..<1.8)
    }

    /// The head pose at time `t` seconds.
    func pose(atTime t: Double) -> Pose {
        let a = phase + angularSpeed * t
        let eye = SIMD3<Float>(Float(centre.x + radii.x * cos(a)), Float(centre.y + radii.y * sin(a)), Float(eyeHeight))
        let yaw = a + .pi / 2 + 0.6 * sin(0.7 * t)  // walking direction plus a head sweep
        let look = eye + SIMD3(Float(cos(yaw)), Float(sin(yaw)), -0.1)
        return (try? Camera.lookAt(eye: eye, target: look, intrinsics: ImageSize(width: 8, height: 8)!.intrinsics))
            .map(Pose.init(camera:)) ?? Pose(position: SIMD3<Double>(eye), orientation: SIMD4(0, 0, 0, 1))
    }
}
