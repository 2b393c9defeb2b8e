import NIOConcurrencyHelpers

/// The images of `GET /ui/frames/{client}` at a bounded rate: a user's newest FRAME as the
/// edge sent it (no extra work), and a robot's mixed-reality frame composed at most once per
/// ``minimumAge`` per robot, however many viewers ask — a composition is a render of the
/// edge's GS memory, which would otherwise compete with the slot loop's FRAMEs.
final class LiveViewImages: Sendable {
    /// An image as the route answers it.
    struct Image: Sendable, Equatable {
        var slot: UInt64
        /// `image` or `render` for an MR frame, `frame` for a user's FRAME.
        var source: String
        var png: [UInt8]
    }

    /// Why the view has no image of a client.
    enum Failure: Error, Equatable {
        case noImage(String)
        case mixedReality(MixedRealityError.Code, String)
    }

    static let minimumAge: Duration = .seconds(1)
    /// Robots whose composed frames are cached at once; older entries go first.
    static let cacheCapacity = 1024

    private struct Cached {
        var composedAt: ContinuousClock.Instant
        var image: Image
    }

    private let board: LiveViewBoard
    private let mixedReality: MixedRealityBoard
    private let metrics: LiveViewMetrics
    private let cache = NIOLockedValueBox([String: Cached]())

    init(board: LiveViewBoard, mixedReality: MixedRealityBoard, metrics: LiveViewMetrics) {
        self.board = board
        self.mixedReality = mixedReality
        self.metrics = metrics
    }

    /// The newest image of `clientID`: its FRAME if the edge renders for it, else its MR frame.
    func image(clientID: String, now: ContinuousClock.Instant = .now) -> Result<Image, Failure> {
        metrics.images.increment()
        if let frame = board.frame(clientID: clientID) {
            return .success(Image(slot: frame.slot, source: "frame", png: frame.png))
        }
        if let cached = cache.withLockedValue({ $0[clientID] }), now - cached.composedAt < Self.minimumAge {
            return .success(cached.image)
        }
        let composed: MixedRealityBoard.Frame
        do {
            composed = try mixedReality.compose(clientID: clientID)
        } catch  where error.code == .unknownRobot {
            return .failure(.noImage("no FRAME or MR frame of \(clientID) yet"))
        } catch {
            return .failure(.mixedReality(error.code, error.message))
        }
        guard let png = try? Array(composed.image.pngData()) else { return .failure(.noImage("the MR frame of \(clientID) did not encode")) }
        metrics.imagesComposed.increment()
        let image = Image(slot: composed.slot, source: composed.source.rawValue, png: png)
        cache.withLockedValue { cache in
            cache[clientID] = Cached(composedAt: now, image: image)
            if cache.count > Self.cacheCapacity, let oldest = cache.min(by: { $0.value.composedAt < $1.value.composedAt })?.key {
                cache.removeValue(forKey: oldest)
            }
        }
        return .success(image)
    }
}
