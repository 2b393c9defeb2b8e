import Foundation

/// A pinhole camera in the OpenCV convention: `x_cam = R·x_world + t`, +z forward, +y down,
/// +x right; pixel (i, j) is sampled at (i+0.5, j+0.5) against the projected mean
/// (fx·x/z + cx, fy·y/z + cy).
public struct Camera: Sendable, Equatable {
    /// Image width in pixels.
    public var width: Int
    /// Image height in pixels.
    public var height: Int
    /// Focal length along x, in pixels.
    public var fx: Float
    /// Focal length along y, in pixels.
    public var fy: Float
    /// Principal point x, in pixels.
    public var cx: Float
    /// Principal point y, in pixels.
    public var cy: Float
    /// Rows of the world-to-camera rotation R.
    public var rotation: (SIMD3<Float>, SIMD3<Float>, SIMD3<Float>)
    /// World-to-camera translation t.
    public var translation: SIMD3<Float>

    /// A camera from intrinsics and a world-to-camera rigid transform (rows of R, then t).
    public init(
        width: Int, height: Int, fx: Float, fy: Float, cx: Float, cy: Float,
        rotation: (SIMD3<Float>, SIMD3<Float>, SIMD3<Float>), translation: SIMD3<Float>
    ) throws {
        guard width > 0, height > 0, width <= 1 << 14, height <= 1 << 14 else {
            throw RendererError(.invalidCamera, "image size \(width)×\(height) is outside 1…16384")
        }
        guard [fx, fy].allSatisfy({ $0.isFinite && $0 > 0 }), cx.isFinite, cy.isFinite else {
            throw RendererError(.invalidCamera, "intrinsics must be finite with positive focal lengths (fx \(fx), fy \(fy), cx \(cx), cy \(cy))")
        }
        let rows = [rotation.0, rotation.1, rotation.2]
        guard rows.allSatisfy({ ($0 * $0).sum().isFinite }), (translation * translation).sum().isFinite else {
            throw RendererError(.invalidCamera, "pose has non-finite entries")
        }
        for a in 0..<3 {
            for b in 0..<3 where abs((rows[a] * rows[b]).sum() - (a == b ? 1 : 0)) > 1e-3 {
                throw RendererError(.invalidCamera, "world_to_camera rotation is not orthonormal (row \(a)·row \(b) = \((rows[a] * rows[b]).sum()))")
            }
        }
        let determinant = (rows[0] * Self.cross(rows[1], rows[2])).sum()
        guard determinant > 0 else { throw RendererError(.invalidCamera, "world_to_camera rotation is a reflection (det \(determinant))") }
        self.width = width
        self.height = height
        self.fx = fx
        self.fy = fy
        self.cx = cx
        self.cy = cy
        self.rotation = rotation
        self.translation = translation
    }

    /// A camera at `position` whose orientation (camera-to-world rotation, i.e. the camera's
    /// axes expressed in the world) is the unit quaternion `orientation` (w, x, y, z).
    public init(position: SIMD3<Float>, orientation: SIMD4<Float>, intrinsics: Intrinsics) throws {
        let norm = (orientation * orientation).sum().squareRoot()
        guard norm.isFinite, norm > 0 else { throw RendererError(.invalidCamera, "orientation quaternion has zero or non-finite norm") }
        let cameraToWorld = Self.rotationMatrix(orientation / norm)
        // R_cw = R_wcᵀ: its rows are the columns of R_wc.
        let rows = (
            SIMD3(cameraToWorld.0.x, cameraToWorld.1.x, cameraToWorld.2.x),
            SIMD3(cameraToWorld.0.y, cameraToWorld.1.y, cameraToWorld.2.y),
            SIMD3(cameraToWorld.0.z, cameraToWorld.1.z, cameraToWorld.2.z)
        )
        try self.init(rotationRows: rows, position: position, intrinsics: intrinsics)
    }

    /// A camera at `eye` looking at `target`, with `up` (world) pointing up in the image.
    public static func lookAt(
        eye: SIMD3<Float>, target: SIMD3<Float>, up: SIMD3<Float> = SIMD3(0, 0, 1), intrinsics: Intrinsics
    ) throws -> Camera {
        let forward = target - eye
        let forwardLength = (forward * forward).sum().squareRoot()
        guard forwardLength > 1e-6, forwardLength.isFinite else {
            throw RendererError(.invalidCamera, "look-at target coincides with the eye")
        }
        let z = forward / forwardLength
        let right = cross(z, up)
        let rightLength = (right * right).sum().squareRoot()
        guard rightLength > 1e-6 else { throw RendererError(.invalidCamera, "look-at direction is parallel to up") }
        let x = right / rightLength
        let y = cross(z, x)
        return try Camera(rotationRows: (x, y, z), position: eye, intrinsics: intrinsics)
    }

    private init(rotationRows rows: (SIMD3<Float>, SIMD3<Float>, SIMD3<Float>), position: SIMD3<Float>, intrinsics: Intrinsics) throws {
        let t = -SIMD3((rows.0 * position).sum(), (rows.1 * position).sum(), (rows.2 * position).sum())
        try self.init(
            width: intrinsics.width, height: intrinsics.height, fx: intrinsics.fx, fy: intrinsics.fy,
            cx: intrinsics.cx, cy: intrinsics.cy, rotation: rows, translation: t)
    }

    /// The intrinsic part of a camera.
    public var intrinsics: Intrinsics {
        Intrinsics(width: width, height: height, fx: fx, fy: fy, cx: cx, cy: cy)
    }

    /// The camera centre in world coordinates, −Rᵀt.
    public var position: SIMD3<Float> {
        -(rotation.0 * translation.x + rotation.1 * translation.y + rotation.2 * translation.z)
    }

    /// The viewing direction (+z of the camera) in world coordinates.
    public var forward: SIMD3<Float> { rotation.2 }

    /// `p` in camera coordinates.
    @inlinable public func toCamera(_ p: SIMD3<Float>) -> SIMD3<Float> {
        SIMD3((rotation.0 * p).sum(), (rotation.1 * p).sum(), (rotation.2 * p).sum()) + translation
    }

    /// Pinhole intrinsics.
    public struct Intrinsics: Sendable, Equatable {
        /// Image width in pixels.
        public var width: Int
        /// Image height in pixels.
        public var height: Int
        /// Focal lengths and principal point, in pixels.
        public var fx: Float, fy: Float, cx: Float, cy: Float

        /// Intrinsics from explicit values.
        public init(width: Int, height: Int, fx: Float, fy: Float, cx: Float, cy: Float) {
            self.width = width
            self.height = height
            self.fx = fx
            self.fy = fy
            self.cx = cx
            self.cy = cy
        }

        /// Square-pixel intrinsics with the principal point at the image centre and the given
        /// vertical field of view in degrees.
        public init(width: Int, height: Int, verticalFieldOfViewDegrees fov: Float) {
            let f = Float(height) / 2 / Float(tan(Double(fov) * .pi / 360))
            self.init(width: width, height: height, fx: f, fy: f, cx: Float(width) / 2, cy: Float(height) / 2)
        }
    }

    public static func == (a: Camera, b: Camera) -> Bool {
        a.intrinsics == b.intrinsics && a.rotation == b.rotation && a.translation == b.translation
    }

    static func cross(_ a: SIMD3<Float>, _ b: SIMD3<Float>) -> SIMD3<Float> {
        SIMD3(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x)
    }

    /// Rows of the rotation matrix of a unit quaternion (w, x, y, z).
    static func rotationMatrix(_ q: SIMD4<Float>) -> (SIMD3<Float>, SIMD3<Float>, SIMD3<Float>) {
        let (w, x, y, z) = (q.x, q.y, q.z, q.w)
        return (
            SIMD3(1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)),
            SIMD3(2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)),
            SIMD3(2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y))
        )
    }
}
