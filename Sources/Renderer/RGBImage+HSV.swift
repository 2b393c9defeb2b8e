extension RGBImage {
    /// The image in HSV, interleaved like the RGB storage, every component in [0, 1]: hue as a
    /// fraction of a turn (red 0, green 1/3, blue 2/3), saturation (max−min)/max (0 for black),
    /// value max(r, g, b). Inputs are clamped to [0, 1] first.
    public func hsv() -> [Float] {
        var out = [Float](repeating: 0, count: pixels.count)
        for i in 0..<(width * height) {
            let r = min(max(pixels[3 * i], 0), 1), g = min(max(pixels[3 * i + 1], 0), 1), b = min(max(pixels[3 * i + 2], 0), 1)
            let value = max(r, g, b)
            let chroma = value - min(r, g, b)
            var hue: Float = 0
            if chroma > 0 {
                if value == r {
                    hue = (g - b) / chroma
                } else if value == g {
                    hue = (b - r) / chroma + 2
                } else {
                    hue = (r - g) / chroma + 4
                }
                hue /= 6
                if hue < 0 { hue += 1 }
            }
            out[3 * i] = hue
            out[3 * i + 1] = value > 0 ? chroma / value : 0
            out[3 * i + 2] = value
        }
        return out
    }

    /// A copy reduced by an integer factor, each output pixel the mean of a factor×factor block
    /// (trailing rows/columns that do not fill a block are dropped).
    public func downsampled(by factor: Int) throws -> RGBImage {
        guard factor >= 1, width / factor >= 1, height / factor >= 1 else {
            throw RendererError(.invalidArgument, "cannot downsample \(width)×\(height) by \(factor)")
        }
        let (w, h) = (width / factor, height / factor)
        var out = RGBImage(width: w, height: h)
        let scale = 1 / Float(factor * factor)
        for y in 0..<h {
            for x in 0..<w {
                var sum = SIMD3<Float>.zero
                for dy in 0..<factor { for dx in 0..<factor { sum += self[x * factor + dx, y * factor + dy] } }
                out[x, y] = sum * scale
            }
        }
        return out
    }
}
