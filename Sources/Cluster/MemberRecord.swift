import Foundation

/// What a daemon publishes about itself at `<prefix>/members/<id>` while its lease lives: how to
/// reach it, where it is, what it can hold and run (the SCC model's C_m, f_m, N_m), which spaces
/// it holds, the users connected to it with where they have recently been, and the latencies it
/// measured to the other members.
public struct MemberRecord: Codable, Sendable, Equatable {
    /// The daemon's cluster id (unique; also the id in FRAMEs it renders for other edges).
    public var id: String
    /// The site (network namespace / cell) it serves.
    public var site: String
    /// Address ("host:port") of its HTTP/2 listener for daemon-to-daemon traffic.
    public var httpAddress: String
    /// Address of its binary listener (clients).
    public var binaryAddress: String
    /// Cache capacity C_m in bytes.
    public var cacheBytes: Double
    /// Computation frequency f_m in hertz.
    public var frequencyHz: Double
    /// Most viewport tasks N_m.
    public var taskLimit: Int
    /// Spaces it holds (loaded) now.
    public var spaces: [Int]
    /// Users whose local edge it is.
    public var users: [UserPresence]
    /// One-way latency in seconds it measured to each other member (half the round trip), the
    /// emulated propagation delay of ``SitePropagation`` included.
    public var peerLatencySeconds: [String: Double]
    /// Its site's position `[x, y]` in km in the metropolitan network (nil: not configured).
    public var positionKm: [Double]?

    public init(
        id: String, site: String, httpAddress: String, binaryAddress: String, cacheBytes: Double, frequencyHz: Double,
        taskLimit: Int, spaces: [Int] = [], users: [UserPresence] = [], peerLatencySeconds: [String: Double] = [:],
        positionKm: [Double]? = nil
    ) {
        self.id = id
        self.site = site
        self.httpAddress = httpAddress
        self.binaryAddress = binaryAddress
        self.cacheBytes = cacheBytes
        self.frequencyHz = frequencyHz
        self.taskLimit = taskLimit
        self.spaces = spaces
        self.users = users
        self.peerLatencySeconds = peerLatencySeconds
        self.positionKm = positionKm
    }
}

/// A user connected to a member, and the share of the recent window it spent in each space:
/// the controller's estimate of q_{u,v} (SCC's "probability that u is in v").
public struct UserPresence: Codable, Sendable, Equatable {
    public var user: String
    /// Space index → share of the window in it (each ≥ 0, sum ≤ 1).
    public var dwell: [Int: Double]

    public init(user: String, dwell: [Int: Double]) {
        self.user = user
        self.dwell = dwell
    }
}
