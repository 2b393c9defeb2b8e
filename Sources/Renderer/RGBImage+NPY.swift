import Foundation

extension RGBImage {
    /// The image as a NumPy `.npy` (format 1.0) array of little-endian float32, shape (H, W, 3).
    public func npyData() -> Data {
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(height), \(width), 3), }"
        // Magic (6) + version (2) + length (2) + header + "\n" must be a multiple of 64.
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        withUnsafeBytes(of: UInt16(header.utf8.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: Array(header.utf8))
        data.reserveCapacity(data.count + 4 * pixels.count)
        for value in pixels { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        return data
    }

    /// Reads a `.npy` holding little-endian float32 of shape (H, W, 3) in C order.
    public init(npyData data: Data) throws {
        let bytes = [UInt8](data)
        guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1..<6]) == Array("NUMPY".utf8), bytes[6] == 1 else {
            throw RendererError(.invalidImage, "not a version-1 .npy file")
        }
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        guard bytes.count >= 10 + headerLength else { throw RendererError(.truncated, ".npy header is truncated") }
        let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
        guard header.contains("'descr': '<f4'"), header.contains("'fortran_order': False"),
            let open = header.range(of: "'shape': ("), let close = header[open.upperBound...].firstIndex(of: ")")
        else { throw RendererError(.invalidImage, ".npy must be little-endian float32 in C order: \(header)") }
        let shape = header[open.upperBound..<close].split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard shape.count == 3, shape[2] == 3, shape[0] > 0, shape[1] > 0 else {
            throw RendererError(.invalidImage, ".npy shape must be (H, W, 3), found \(shape)")
        }
        let count = shape[0] * shape[1] * 3
        let start = 10 + headerLength
        guard bytes.count - start >= 4 * count else { throw RendererError(.truncated, ".npy data holds fewer than \(count) floats") }
        let values = (0..<count).map { i in
            Float(
                bitPattern: UInt32(bytes[start + 4 * i]) | UInt32(bytes[start + 4 * i + 1]) << 8
                    | UInt32(bytes[start + 4 * i + 2]) << 16 | UInt32(bytes[start + 4 * i + 3]) << 24)
        }
        self.init(width: shape[1], height: shape[0], pixels: values)
    }

    /// Writes the image to `path` as PNG or `.npy`, chosen by the extension.
    public func write(to path: String) throws {
        let data: Data
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "png": data = try pngData()
        case "npy": data = npyData()
        default: throw RendererError(.invalidArgument, "output '\(path)' must end in .png or .npy")
        }
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw RendererError(.io, "cannot write '\(path)': \(error.localizedDescription)")
        }
    }

    /// Reads a PNG or `.npy` image, chosen by the extension.
    public init(contentsOf path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw RendererError(.io, "cannot read '\(path)'") }
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "png": try self.init(pngData: data)
        case "npy": try self.init(npyData: data)
        default: throw RendererError(.invalidArgument, "input '\(path)' must end in .png or .npy")
        }
    }
}
