import CJPEG
import Foundation
import Renderer

extension RGBImage {
    /// Decodes a JPEG (baseline or progressive, any colour space libjpeg-turbo converts to RGB)
    /// into [0, 1].
    public init(jpegData data: Data) throws {
        var width: Int32 = 0, height: Int32 = 0
        var message = [CChar](repeating: 0, count: Int(splatedge_jpeg_message_length()))
        let decoded = data.withUnsafeBytes { bytes in
            splatedge_jpeg_decode(bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt(bytes.count), &width, &height, &message)
        }
        guard let decoded else {
            throw TrainingError(
                .unsupportedImage, "not a readable JPEG: \(String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))"
            )
        }
        defer { free(decoded) }
        guard width > 0, height > 0 else { throw TrainingError(.unsupportedImage, "JPEG has no pixels") }
        let count = Int(width) * Int(height) * 3
        self.init(width: Int(width), height: Int(height), pixels: (0..<count).map { Float(decoded[$0]) / 255 })
    }

    /// The image as a baseline JPEG of the given quality (1…100), values clamped and rounded.
    public func jpegData(quality: Int = 95) throws -> Data {
        let bytes = pixels.map { UInt8((min(max($0, 0), 1) * 255).rounded()) }
        var size: UInt = 0
        var message = [CChar](repeating: 0, count: Int(splatedge_jpeg_message_length()))
        guard let encoded = splatedge_jpeg_encode(bytes, Int32(width), Int32(height), Int32(min(max(quality, 1), 100)), &size, &message) else {
            throw TrainingError(
                .unsupportedImage,
                "JPEG encoding failed: \(String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))")
        }
        defer { free(encoded) }
        return Data(bytes: encoded, count: Int(size))
    }

    /// Reads a PNG or JPEG file (recognised by its signature, not its name).
    public init(contentsOfImage path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TrainingError(.missingFile, "image \(path) does not exist or cannot be read")
        }
        if data.starts(with: [0x89, 0x50, 0x4E, 0x47]) {
            do { try self.init(pngData: data) } catch { throw TrainingError(.unsupportedImage, "\(path): \(error)") }
        } else if data.starts(with: [0xFF, 0xD8]) {
            do { try self.init(jpegData: data) } catch let error as TrainingError {
                throw TrainingError(error.code, "\(path): \(error.message)")
            }
        } else {
            throw TrainingError(.unsupportedImage, "\(path) is neither PNG nor JPEG")
        }
    }

    /// The image resampled to `width`×`height` by area averaging (each output pixel is the
    /// mean of the input area it covers, partial pixels weighted), as downscaled training
    /// images are made.
    public func resized(width newWidth: Int, height newHeight: Int) -> RGBImage {
        if newWidth == width && newHeight == height { return self }
        let sx = Double(width) / Double(newWidth), sy = Double(height) / Double(newHeight)
        func spans(_ index: Int, _ scale: Double, _ limit: Int) -> [(Int, Double)] {
            let (lo, hi) = (Double(index) * scale, Double(index + 1) * scale)
            return (Int(lo.rounded(.down))..<min(limit, Int(hi.rounded(.up)))).map { k in
                (k, min(hi, Double(k + 1)) - max(lo, Double(k)))
            }.filter { $0.1 > 0 }
        }
        var out = [Float](repeating: 0, count: newWidth * newHeight * 3)
        let columns = (0..<newWidth).map { spans($0, sx, width) }
        for y in 0..<newHeight {
            let rows = spans(y, sy, height)
            for x in 0..<newWidth {
                var sum = SIMD3<Double>.zero, total = 0.0
                for (row, wy) in rows {
                    for (column, wx) in columns[x] {
                        let i = 3 * (row * width + column)
                        sum += SIMD3(Double(pixels[i]), Double(pixels[i + 1]), Double(pixels[i + 2])) * (wx * wy)
                        total += wx * wy
                    }
                }
                let mean = sum / total
                (out[3 * (y * newWidth + x)], out[3 * (y * newWidth + x) + 1], out[3 * (y * newWidth + x) + 2]) =
                    (Float(mean.x), Float(mean.y), Float(mean.z))
            }
        }
        return RGBImage(width: newWidth, height: newHeight, pixels: out)
    }
}
