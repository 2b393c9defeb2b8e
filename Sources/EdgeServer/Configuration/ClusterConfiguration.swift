import Cluster
import Optimizers

/// Multi-edge operation over etcd (`[cluster]`, `[scc]`); off by default, when the daemon
/// serves its own cell alone.
struct ClusterConfiguration: Sendable, Equatable {
    /// Join the cluster (`cluster.enabled`).
    var enabled = false
    /// This daemon's member id (`cluster.id`; required when enabled).
    var id = ""
    /// The site it serves (`cluster.site`).
    var site = "local"
    /// etcd client endpoints, "host:port" (`cluster.etcd_endpoints`).
    var etcdEndpoints = ["127.0.0.1:2379"]
    /// Key prefix of this cluster's state in etcd (`cluster.prefix`).
    var prefix = "/splatedge"
    /// Member lease TTL in seconds (`cluster.lease_ttl_s`).
    var leaseTTLSeconds = 5
    /// Deadline of one etcd call, retries included (`cluster.call_timeout_s`).
    var callTimeoutSeconds = 2.0
    /// Address other daemons reach this one's HTTP/2 listener at (`cluster.advertise_http`;
    /// empty: the `[http]` endpoint).
    var advertiseHTTP = ""
    /// Bearer token this daemon presents to other members for remote views (`cluster.peer_token`;
    /// each member must accept it in its `[auth]`). Empty: views placed elsewhere are rendered here.
    var peerToken = ""
    /// C_m, f_m, N_m this daemon announces (`cluster.cache_bytes`, `cluster.frequency_hz`, `cluster.task_limit`).
    var cacheBytes = 16e9
    var frequencyHz = 3e9
    var taskLimit = 64
    /// Width of one virtual space's band along x (`cluster.space_extent_m`).
    var spaceExtentMetres = 20.0
    /// Heartbeats of position samples behind each user's dwell shares (`cluster.dwell_window`).
    var dwellWindow = 30
    /// This site's position in the metropolitan network, km (`cluster.position_x_km`,
    /// `cluster.position_y_km`; all members at the default origin means no propagation delay).
    var positionXKm = 0.0
    var positionYKm = 0.0
    /// Propagation delay per km added in user space on the inter-edge link
    /// (`cluster.delay_us_per_km`; light in fibre, ``SitePropagation/fibreMicrosecondsPerKm``).
    var delayMicrosecondsPerKm = SitePropagation.fibreMicrosecondsPerKm
    /// Rate (Hz) at which the replicas of a space send each other the poses of their users in
    /// it (`cluster.sync_hz`; 0: no synchronisation).
    var syncHz = 5.0
    /// May this daemon take the controller role (`cluster.controller`).
    var controllerEligible = true
    /// The controller's period (`scc.period_s`), solver (`scc.solver`) and preference weight w
    /// of latency against energy (`scc.latency_weight`).
    var sccPeriodSeconds = 2.0
    var sccSolver = SCCSolverName.weightgreedy
    var sccLatencyWeight = 0.5

    /// Checks the keys that matter once enabled.
    func validate() throws(ConfigurationError) {
        guard enabled else { return }
        guard !id.isEmpty, id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }) else {
            throw .invalid("cluster.id", "must be a non-empty name of letters, digits, '-', '_' or '.'")
        }
        guard !etcdEndpoints.isEmpty else { throw .invalid("cluster.etcd_endpoints", "must name at least one endpoint") }
        for endpoint in etcdEndpoints where HostPort.parse(endpoint) == nil {
            throw .invalid("cluster.etcd_endpoints", "\"\(endpoint)\" is not host:port")
        }
        if !advertiseHTTP.isEmpty, HostPort.parse(advertiseHTTP) == nil {
            throw .invalid("cluster.advertise_http", "\"\(advertiseHTTP)\" is not host:port")
        }
        guard prefix.hasPrefix("/") else { throw .invalid("cluster.prefix", "must start with /") }
        guard (1...3600).contains(leaseTTLSeconds) else { throw .invalid("cluster.lease_ttl_s", "must be in 1…3600") }
        guard callTimeoutSeconds.isFinite, (0.01...60).contains(callTimeoutSeconds) else {
            throw .invalid("cluster.call_timeout_s", "must be in 0.01…60")
        }
        guard cacheBytes.isFinite, cacheBytes >= 0 else { throw .invalid("cluster.cache_bytes", "must be finite and ≥ 0") }
        guard frequencyHz.isFinite, frequencyHz > 0 else { throw .invalid("cluster.frequency_hz", "must be finite and > 0") }
        guard taskLimit >= 0 else { throw .invalid("cluster.task_limit", "must be ≥ 0") }
        guard spaceExtentMetres.isFinite, spaceExtentMetres > 0 else { throw .invalid("cluster.space_extent_m", "must be finite and > 0") }
        for (key, value) in [("cluster.position_x_km", positionXKm), ("cluster.position_y_km", positionYKm)]
        where !(value.isFinite && abs(value) <= 40_000) { throw .invalid(key, "must be finite, within ±40000 km") }
        guard delayMicrosecondsPerKm.isFinite, (0...1_000).contains(delayMicrosecondsPerKm) else {
            throw .invalid("cluster.delay_us_per_km", "must be in 0…1000")
        }
        guard syncHz.isFinite, (0...100).contains(syncHz) else { throw .invalid("cluster.sync_hz", "must be in 0…100") }
        guard (1...10_000).contains(dwellWindow) else { throw .invalid("cluster.dwell_window", "must be in 1…10000") }
        guard sccPeriodSeconds.isFinite, (0.05...86_400).contains(sccPeriodSeconds) else {
            throw .invalid("scc.period_s", "must be in 0.05…86400")
        }
        guard sccLatencyWeight.isFinite, (0...1).contains(sccLatencyWeight) else { throw .invalid("scc.latency_weight", "must be in 0…1") }
    }

    /// This site's position `[x, y]` in km.
    var positionKm: [Double] { [positionXKm, positionYKm] }
}
