import Foundation

extension Camera: Codable {
    private enum CodingKeys: String, CodingKey {
        case width, height, fx, fy, cx, cy
        case worldToCamera = "world_to_camera"
    }

    /// Decodes `{"width","height","fx","fy","cx","cy","world_to_camera"}`, the matrix being
    /// 4×4 row-major (nested rows or 16 numbers) with last row 0 0 0 1.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let matrix: [Double]
        if let rows = try? container.decode([[Double]].self, forKey: .worldToCamera) {
            guard rows.count == 4, rows.allSatisfy({ $0.count == 4 }) else {
                throw RendererError(.invalidCamera, "world_to_camera must be 4×4")
            }
            matrix = rows.flatMap { $0 }
        } else {
            matrix = try container.decode([Double].self, forKey: .worldToCamera)
            guard matrix.count == 16 else { throw RendererError(.invalidCamera, "world_to_camera must have 16 entries, has \(matrix.count)") }
        }
        guard zip(matrix[12...], [0.0, 0, 0, 1]).allSatisfy({ abs($0 - $1) < 1e-6 }) else {
            throw RendererError(.invalidCamera, "world_to_camera last row must be 0 0 0 1")
        }
        let m = matrix.map(Float.init)
        try self.init(
            width: try container.decode(Int.self, forKey: .width), height: try container.decode(Int.self, forKey: .height),
            fx: Float(try container.decode(Double.self, forKey: .fx)), fy: Float(try container.decode(Double.self, forKey: .fy)),
            cx: Float(try container.decode(Double.self, forKey: .cx)), cy: Float(try container.decode(Double.self, forKey: .cy)),
            rotation: (SIMD3(m[0], m[1], m[2]), SIMD3(m[4], m[5], m[6]), SIMD3(m[8], m[9], m[10])),
            translation: SIMD3(m[3], m[7], m[11]))
    }

    /// Encodes the camera JSON with nested 4×4 rows.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(width, forKey: .width)
        try container.encode(height, forKey: .height)
        try container.encode(fx, forKey: .fx)
        try container.encode(fy, forKey: .fy)
        try container.encode(cx, forKey: .cx)
        try container.encode(cy, forKey: .cy)
        let rows = [rotation.0, rotation.1, rotation.2]
        let matrix = (0..<3).map { [rows[$0].x, rows[$0].y, rows[$0].z, translation[$0]] } + [[0, 0, 0, 1]]
        try container.encode(matrix, forKey: .worldToCamera)
    }

    /// Reads a camera JSON file; malformed content becomes a `.invalidCamera` error.
    public init(contentsOfJSON path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw RendererError(.io, "cannot read '\(path)'") }
        try self.init(jsonData: data)
    }

    /// Parses camera JSON bytes.
    public init(jsonData data: Data) throws {
        do {
            self = try JSONDecoder().decode(Camera.self, from: data)
        } catch let error as RendererError {
            throw error
        } catch {
            throw RendererError(.invalidCamera, "camera JSON: \(error)")
        }
    }

    /// The camera as JSON bytes.
    public func jsonData() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)) ?? Data()
    }
}
