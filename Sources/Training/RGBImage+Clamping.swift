import Renderer

extension RGBImage {
    /// The image with every value clamped to [0, 1] — what a photograph (or a saved render)
    /// holds, and what training targets and metrics compare against.
    public func clampedToUnitRange() -> RGBImage {
        var image = self
        for i in image.pixels.indices { image.pixels[i] = min(max(image.pixels[i], 0), 1) }
        return image
    }
}
