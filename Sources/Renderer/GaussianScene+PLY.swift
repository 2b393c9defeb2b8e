import Foundation

extension GaussianScene {
    /// Reads a standard 3DGS PLY file (INRIA reference / gsplat layout).
    ///
    /// Required vertex properties: `x y z`, `f_dc_0..2`, `opacity`, `scale_0..2`, `rot_0..3`;
    /// `f_rest_*` must be absent or exactly `f_rest_0..f_rest_{3((d+1)²−1)−1}` for d ∈ 1…3, which
    /// sets the SH degree. Other properties (normals, colours) are ignored. Binary little- and
    /// big-endian files are read; ASCII files are rejected with `.badHeader`.
    public init(contentsOfPLY path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RendererError(.io, "cannot read '\(path)'")
        }
        try self.init(plyData: data)
    }

    /// Parses PLY bytes (see ``init(contentsOfPLY:)``).
    public init(plyData data: Data) throws {
        self = try data.withUnsafeBytes { try Self.parsePLY($0) }
    }

    /// The scene as a binary little-endian 3DGS PLY file (normals written as zeros, as the
    /// reference does), readable by the INRIA viewer and gsplat.
    public func plyData() -> Data {
        let names = Self.plyPropertyNames(shDegree: shDegree)
        var header = "ply\nformat binary_little_endian 1.0\nelement vertex \(count)\n"
        for name in names { header += "property float \(name)\n" }
        header += "end_header\n"
        var data = Data(header.utf8)
        let restCount = 3 * (coefficientsPerChannel - 1)
        var row = [Float](repeating: 0, count: names.count)
        var body = [Float]()
        body.reserveCapacity(names.count * count)
        let k = coefficientsPerChannel
        for i in 0..<count {
            row[0] = positions[3 * i]; row[1] = positions[3 * i + 1]; row[2] = positions[3 * i + 2]
            // row[3...5] are the unused normals.
            for c in 0..<3 { row[6 + c] = sh[3 * k * i + c] }
            for c in 0..<3 {
                for j in 1..<max(k, 1) { row[9 + c * (k - 1) + (j - 1)] = sh[3 * (k * i + j) + c] }
            }
            let tail = 9 + restCount
            row[tail] = opacityLogits[i]
            for c in 0..<3 { row[tail + 1 + c] = logScales[3 * i + c] }
            for c in 0..<4 { row[tail + 4 + c] = rotations[4 * i + c] }
            body += row
        }
        body.withUnsafeBytes { raw in
            if Int(littleEndian: 1) == 1 {
                data.append(contentsOf: raw)
            } else {
                data.append(contentsOf: body.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) })
            }
        }
        return data
    }

    /// Writes ``plyData()`` to `path` atomically.
    public func writePLY(to path: String) throws {
        do {
            try plyData().write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw RendererError(.io, "cannot write '\(path)': \(error.localizedDescription)")
        }
    }

    /// The vertex property names of a degree-`shDegree` 3DGS PLY, in the reference's order.
    static func plyPropertyNames(shDegree: Int) -> [String] {
        let restCount = 3 * ((shDegree + 1) * (shDegree + 1) - 1)
        return ["x", "y", "z", "nx", "ny", "nz", "f_dc_0", "f_dc_1", "f_dc_2"]
            + (0..<restCount).map { "f_rest_\($0)" }
            + ["opacity", "scale_0", "scale_1", "scale_2", "rot_0", "rot_1", "rot_2", "rot_3"]
    }

    private static func parsePLY(_ bytes: UnsafeRawBufferPointer) throws -> GaussianScene {
        let header = try PLYHeader(bytes: bytes)
        var offset = header.dataOffset
        guard let vertexIndex = header.elements.firstIndex(where: { $0.name == "vertex" }) else {
            throw RendererError(.badHeader, "PLY has no 'vertex' element")
        }
        for element in header.elements[..<vertexIndex] {
            guard !element.hasList else {
                throw RendererError(.badHeader, "element '\(element.name)' before 'vertex' has a list property; cannot skip it")
            }
            offset = try Self.advance(offset, by: element, available: bytes.count)
        }
        let vertex = header.elements[vertexIndex]
        guard !vertex.hasList else { throw RendererError(.badHeader, "the vertex element has a list property") }
        let byName = Dictionary(vertex.properties.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })

        let restCount = vertex.properties.filter { $0.name.hasPrefix("f_rest_") }.count
        guard let degree = [0, 9, 24, 45].firstIndex(of: restCount) else {
            throw RendererError(.invalidScene, "\(restCount) f_rest properties do not match any SH degree 0…3 (expected 0, 9, 24 or 45)")
        }
        let names = plyPropertyNames(shDegree: degree).filter { !$0.hasPrefix("n") }
        let missing = names.filter { byName[$0] == nil }
        guard missing.isEmpty else {
            throw RendererError(.missingProperty, "vertex element lacks \(missing.joined(separator: ", "))")
        }
        let n = vertex.count
        // A hostile count overflows `n × rowSize` long before it fits in memory: refused as truncated.
        let (needed, overflow) = n.multipliedReportingOverflow(by: vertex.rowSize)
        guard !overflow, bytes.count - offset >= needed else {
            throw RendererError(
                .truncated, "vertex data needs \(needed) bytes for \(n) Gaussians but the file has \(bytes.count - offset) after the header")
        }
        // Destination of each needed property: (source property, array slot).
        let k = (degree + 1) * (degree + 1)
        var positions = [Float](repeating: 0, count: 3 * n)
        var logScales = [Float](repeating: 0, count: 3 * n)
        var rotations = [Float](repeating: 0, count: 4 * n)
        var opacity = [Float](repeating: 0, count: n)
        var sh = [Float](repeating: 0, count: 3 * k * n)
        let sources = names.map { byName[$0]! }
        let bigEndian = header.encoding == .binaryBigEndian
        let rowSize = vertex.rowSize
        var row = [Float](repeating: 0, count: sources.count)
        for i in 0..<n {
            let base = offset + i * rowSize
            for (slot, property) in sources.enumerated() {
                row[slot] = Self.decode(property.type, at: base + property.offset, in: bytes, bigEndian: bigEndian)
            }
            if let bad = row.firstIndex(where: { !$0.isFinite }) {
                throw RendererError(.nonFinite, "Gaussian \(i) has non-finite \(names[bad]) = \(row[bad])")
            }
            for c in 0..<3 {
                positions[3 * i + c] = row[c]
                sh[3 * k * i + c] = row[3 + c]
                for j in 1..<max(k, 1) { sh[3 * (k * i + j) + c] = row[6 + c * (k - 1) + (j - 1)] }
            }
            let tail = 6 + 3 * (k - 1)
            opacity[i] = row[tail]
            for c in 0..<3 { logScales[3 * i + c] = row[tail + 1 + c] }
            for c in 0..<4 { rotations[4 * i + c] = row[tail + 4 + c] }
        }
        return try GaussianScene(
            shDegree: degree, positions: positions, logScales: logScales, rotations: rotations,
            opacityLogits: opacity, sh: sh)
    }

    /// `offset` past `element`'s rows, refused (not trapped) when the header announces more bytes
    /// than the file holds.
    private static func advance(_ offset: Int, by element: PLYHeader.Element, available: Int) throws -> Int {
        let (size, overflow) = element.count.multipliedReportingOverflow(by: element.rowSize)
        guard !overflow, size <= available - offset else {
            throw RendererError(
                .truncated,
                "element '\(element.name)' announces \(element.count) rows of \(element.rowSize) bytes; the file has \(available - offset) after the header"
            )
        }
        return offset + size
    }

    @inline(__always)
    private static func decode(
        _ type: PLYHeader.ScalarType, at offset: Int, in bytes: UnsafeRawBufferPointer, bigEndian: Bool
    ) -> Float {
        @inline(__always) func load<T: FixedWidthInteger>(_: T.Type) -> T {
            let raw = bytes.loadUnaligned(fromByteOffset: offset, as: T.self)
            return bigEndian ? T(bigEndian: raw) : T(littleEndian: raw)
        }
        switch type {
        case .int8: return Float(load(Int8.self))
        case .uint8: return Float(load(UInt8.self))
        case .int16: return Float(load(Int16.self))
        case .uint16: return Float(load(UInt16.self))
        case .int32: return Float(load(Int32.self))
        case .uint32: return Float(load(UInt32.self))
        case .float32: return Float(bitPattern: load(UInt32.self))
        case .float64: return Float(Double(bitPattern: load(UInt64.self)))
        }
    }
}
