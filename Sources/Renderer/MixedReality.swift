/// A rendered virtual layer: the virtual objects' colours and the mask `d` of the real
/// background (1 where the real image shows, 0 where a virtual object covers it).
public struct VirtualLayer: Sendable, Equatable {
    /// Unpremultiplied colour of the virtual objects (black where there is none).
    public var image: RGBImage
    /// Per-pixel mask d ∈ {0, 1}, row-major.
    public var mask: [Float]
}

/// Mixed-reality composition of GSMR (papers/gsmr-gsclo.txt eq. 1): `m = d ⊙ r + (1 − d) ⊙ v`.
public enum MixedReality {
    /// Coverage above which a pixel belongs to the virtual object.
    public static let coverageThreshold: Float = 0.5

    /// Renders `virtualScene` as a layer: d = 1 where its coverage is below the threshold.
    public static func layer(
        of virtualScene: GaussianScene, camera: Camera, rasterizer: GaussianRasterizer,
        threads: Int = RenderOptions().threads
    ) -> VirtualLayer {
        var (image, alpha) = rasterizer.renderWithAlpha(virtualScene, camera: camera, options: RenderOptions(threads: threads))
        var mask = [Float](repeating: 1, count: alpha.count)
        for i in alpha.indices {
            if alpha[i] >= coverageThreshold {
                mask[i] = 0
                image[i % camera.width, i / camera.width] /= alpha[i]
            } else {
                image[i % camera.width, i / camera.width] = .zero
            }
        }
        return VirtualLayer(image: image, mask: mask)
    }

    /// The MR frame `m = d ⊙ real + (1 − d) ⊙ v`.
    public static func compose(real: RGBImage, layer: VirtualLayer) throws -> RGBImage {
        guard real.width == layer.image.width, real.height == layer.image.height, layer.mask.count == real.width * real.height else {
            throw RendererError(.invalidImage, "real image \(real.width)×\(real.height) does not match the virtual layer")
        }
        var out = real
        for i in layer.mask.indices {
            let d = layer.mask[i]
            for c in 0..<3 { out.pixels[3 * i + c] = d * real.pixels[3 * i + c] + (1 - d) * layer.image.pixels[3 * i + c] }
        }
        return out
    }
}

extension ProceduralWorld {
    /// The world's virtual layer as seen by `camera`.
    public func virtualLayer(camera: Camera, rasterizer: GaussianRasterizer) -> VirtualLayer {
        MixedReality.layer(of: virtualScene, camera: camera, rasterizer: rasterizer)
    }
}
