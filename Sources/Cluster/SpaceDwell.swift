/// Which virtual space a position is in, and how long each user stayed in each space recently:
/// the estimate of SCC's q_{u,v} each daemon publishes for its users.
///
/// Spaces are bands of `extentMetres` along x, repeating every `count` bands, so that a user
/// walking across the world moves between spaces (the paper's users move between virtual spaces).
public struct SpaceDwell: Sendable, Equatable {
    public let count: Int
    public let extentMetres: Double
    /// Samples kept per user (the window).
    public let window: Int
    private var samples: [String: [Int]] = [:]

    public init(count: Int, extentMetres: Double, window: Int) {
        self.count = max(count, 1)
        self.extentMetres = extentMetres > 0 && extentMetres.isFinite ? extentMetres : 1
        self.window = max(window, 1)
    }

    /// The space of x (any finite x; the wire bounds coordinates to ±100 km).
    public func space(x: Double) -> Int {
        guard x.isFinite else { return 0 }
        let band = (x / extentMetres).rounded(.down)
        let spaces = Double(count)
        let index = band - (band / spaces).rounded(.down) * spaces
        return min(max(Int(index), 0), count - 1)
    }

    /// Records one sample per user present (users absent from `positions` are forgotten).
    public mutating func record(_ positions: [String: Double]) {
        samples = samples.filter { positions[$0.key] != nil }
        for (user, x) in positions {
            var ring = samples[user, default: []]
            ring.append(space(x: x))
            if ring.count > window { ring.removeFirst(ring.count - window) }
            samples[user] = ring
        }
    }

    /// Each user's share of the window in each space (shares sum to ≤ 1: a user seen for part
    /// of the window is offline for the rest).
    public var presences: [UserPresence] {
        samples.keys.sorted().map { user in
            var dwell: [Int: Double] = [:]
            for space in samples[user] ?? [] { dwell[space, default: 0] += 1 / Double(window) }
            return UserPresence(user: user, dwell: dwell)
        }
    }
}
