/// A 3D Gaussian-splatting scene in structure-of-arrays form, in the stored (pre-activation)
/// parameterisation of the standard 3DGS PLY file.
///
/// Arrays hold `count` entries of 3 (positions, log-scales), 4 (rotations, wxyz), 1 (opacity
/// logits) or `3·(shDegree+1)²` (SH) floats. SH coefficients are stored per Gaussian,
/// coefficient-major with RGB interleaved: coefficient `k`, channel `c` of Gaussian `i` is
/// `sh[(i·K + k)·3 + c]`, `K = (shDegree+1)²`.
public struct GaussianScene: Sendable, Equatable {
    /// Spherical-harmonic degree, 0…3.
    public internal(set) var shDegree: Int
    /// Centres, xyz per Gaussian.
    public internal(set) var positions: [Float]
    /// Natural logs of the axis scales, three per Gaussian.
    public internal(set) var logScales: [Float]
    /// Unnormalised rotation quaternions, wxyz per Gaussian.
    public internal(set) var rotations: [Float]
    /// Opacities before the sigmoid.
    public internal(set) var opacityLogits: [Float]
    /// SH coefficients (layout in the type's documentation).
    public internal(set) var sh: [Float]

    /// Number of Gaussians.
    public var count: Int { opacityLogits.count }
    /// SH coefficients per colour channel, `(shDegree+1)²`.
    public var coefficientsPerChannel: Int { (shDegree + 1) * (shDegree + 1) }

    /// An empty scene of the given SH degree.
    public init(shDegree: Int) throws {
        try Self.checkDegree(shDegree)
        self.shDegree = shDegree
        positions = []
        logScales = []
        rotations = []
        opacityLogits = []
        sh = []
    }

    /// A scene over existing arrays; sizes must agree and every value must be finite.
    public init(
        shDegree: Int, positions: [Float], logScales: [Float], rotations: [Float],
        opacityLogits: [Float], sh: [Float]
    ) throws {
        try Self.checkDegree(shDegree)
        let n = opacityLogits.count
        let k = (shDegree + 1) * (shDegree + 1)
        let expected: [(String, Int, Int)] = [
            ("positions", positions.count, 3 * n), ("logScales", logScales.count, 3 * n),
            ("rotations", rotations.count, 4 * n), ("sh", sh.count, 3 * k * n),
        ]
        for (name, actual, wanted) in expected where actual != wanted {
            throw RendererError(.invalidScene, "\(name) holds \(actual) floats, expected \(wanted) for \(n) Gaussians")
        }
        for (name, values) in [
            ("positions", positions), ("logScales", logScales), ("rotations", rotations),
            ("opacityLogits", opacityLogits), ("sh", sh),
        ] {
            if let bad = values.firstIndex(where: { !$0.isFinite }) {
                throw RendererError(.nonFinite, "\(name)[\(bad)] is \(values[bad])")
            }
        }
        self.shDegree = shDegree
        self.positions = positions
        self.logScales = logScales
        self.rotations = rotations
        self.opacityLogits = opacityLogits
        self.sh = sh
    }

    /// A scene holding the given Gaussians; each must carry `(shDegree+1)²` coefficients.
    public init(shDegree: Int, gaussians: [Gaussian]) throws {
        try self.init(shDegree: shDegree)
        reserveCapacity(gaussians.count)
        for gaussian in gaussians { try append(gaussian) }
    }

    private static func checkDegree(_ degree: Int) throws {
        guard (0...3).contains(degree) else {
            throw RendererError(.invalidScene, "SH degree \(degree) is outside 0…3")
        }
    }

    /// Reserves storage for `capacity` Gaussians.
    public mutating func reserveCapacity(_ capacity: Int) {
        positions.reserveCapacity(3 * capacity)
        logScales.reserveCapacity(3 * capacity)
        rotations.reserveCapacity(4 * capacity)
        opacityLogits.reserveCapacity(capacity)
        sh.reserveCapacity(3 * coefficientsPerChannel * capacity)
    }

    /// Appends one Gaussian; its SH count must match the scene's degree and values be finite.
    public mutating func append(_ g: Gaussian) throws {
        guard g.sh.count == coefficientsPerChannel else {
            throw RendererError(.invalidScene, "Gaussian has \(g.sh.count) SH coefficients, scene degree \(shDegree) needs \(coefficientsPerChannel)")
        }
        let scalars = [
            g.position.x, g.position.y, g.position.z, g.logScale.x, g.logScale.y, g.logScale.z,
            g.rotation.x, g.rotation.y, g.rotation.z, g.rotation.w, g.opacityLogit,
        ]
        guard scalars.allSatisfy(\.isFinite), g.sh.allSatisfy({ $0.x.isFinite && $0.y.isFinite && $0.z.isFinite }) else {
            throw RendererError(.nonFinite, "Gaussian \(count) has a non-finite parameter")
        }
        positions += [g.position.x, g.position.y, g.position.z]
        logScales += [g.logScale.x, g.logScale.y, g.logScale.z]
        rotations += [g.rotation.x, g.rotation.y, g.rotation.z, g.rotation.w]
        opacityLogits.append(g.opacityLogit)
        for c in g.sh { sh += [c.x, c.y, c.z] }
    }

    /// Appends every Gaussian of `other`, which must have the same SH degree.
    public mutating func append(contentsOf other: GaussianScene) throws {
        guard other.shDegree == shDegree else {
            throw RendererError(.invalidScene, "cannot append a degree-\(other.shDegree) scene to a degree-\(shDegree) scene")
        }
        appendSameDegree(other)
    }

    /// Appends a scene known to have this scene's SH degree (generators).
    mutating func appendSameDegree(_ other: GaussianScene) {
        precondition(other.shDegree == shDegree, "SH degrees differ")
        positions += other.positions
        logScales += other.logScales
        rotations += other.rotations
        opacityLogits += other.opacityLogits
        sh += other.sh
    }

    /// Gaussian `i` as a value.
    public subscript(i: Int) -> Gaussian {
        let k = coefficientsPerChannel
        return Gaussian(
            position: SIMD3(positions[3 * i], positions[3 * i + 1], positions[3 * i + 2]),
            logScale: SIMD3(logScales[3 * i], logScales[3 * i + 1], logScales[3 * i + 2]),
            rotation: SIMD4(rotations[4 * i], rotations[4 * i + 1], rotations[4 * i + 2], rotations[4 * i + 3]),
            opacityLogit: opacityLogits[i],
            sh: (0..<k).map { j in
                let o = (i * k + j) * 3
                return SIMD3(sh[o], sh[o + 1], sh[o + 2])
            })
    }

    /// The Gaussians at `indices`, in that order.
    public func subset(_ indices: [Int]) -> GaussianScene {
        let k = 3 * coefficientsPerChannel
        var result = self
        result.positions = []
        result.logScales = []
        result.rotations = []
        result.opacityLogits = []
        result.sh = []
        result.reserveCapacity(indices.count)
        for i in indices {
            result.positions += positions[(3 * i)..<(3 * i + 3)]
            result.logScales += logScales[(3 * i)..<(3 * i + 3)]
            result.rotations += rotations[(4 * i)..<(4 * i + 4)]
            result.opacityLogits.append(opacityLogits[i])
            result.sh += sh[(k * i)..<(k * i + k)]
        }
        return result
    }

    /// The same scene at another SH degree: higher coefficients are dropped, or added as zeros.
    public func withSHDegree(_ degree: Int) throws -> GaussianScene {
        try Self.checkDegree(degree)
        let oldK = coefficientsPerChannel
        let newK = (degree + 1) * (degree + 1)
        var result = self
        result.shDegree = degree
        result.sh = [Float](repeating: 0, count: 3 * newK * count)
        let kept = 3 * min(oldK, newK)
        for i in 0..<count {
            for j in 0..<kept { result.sh[3 * newK * i + j] = sh[3 * oldK * i + j] }
        }
        return result
    }

    /// Applies `transform` to every stored value (used e.g. to quantise to fp16).
    public func mapValues(_ transform: (Float) -> Float) -> GaussianScene {
        var result = self
        result.positions = positions.map(transform)
        result.logScales = logScales.map(transform)
        result.rotations = rotations.map(transform)
        result.opacityLogits = opacityLogits.map(transform)
        result.sh = sh.map(transform)
        return result
    }
}

extension GaussianScene {
    /// A scene over arrays the caller guarantees to be consistent and finite (generators).
    init(unchecked shDegree: Int, positions: [Float], logScales: [Float], rotations: [Float], opacityLogits: [Float], sh: [Float]) {
        self.shDegree = shDegree
        self.positions = positions
        self.logScales = logScales
        self.rotations = rotations
        self.opacityLogits = opacityLogits
        self.sh = sh
    }
}
