/// Where the cluster's state lives in etcd, under one configurable prefix (several clusters,
/// or test runs, share one etcd without seeing each other).
public struct ClusterKeyspace: Sendable, Equatable {
    /// The prefix, without a trailing slash (e.g. "/splatedge").
    public let prefix: String

    public init(prefix: String) {
        var trimmed = prefix
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.prefix = trimmed
    }

    /// Prefix of every member's record.
    public var members: String { prefix + "/members/" }
    /// The record of member `id`, attached to its lease.
    public func member(_ id: String) -> String { members + id }
    /// The controller's election key: the leader's id, attached to the leader's lease.
    public var leader: String { prefix + "/leader" }
    /// The current placement (a ``Placement`` as JSON).
    public var placement: String { prefix + "/placement" }
}
