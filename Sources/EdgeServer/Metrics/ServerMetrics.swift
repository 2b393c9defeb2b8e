import CoreMetrics
import NIOConcurrencyHelpers
import Prometheus
import Protocol

/// The daemon's metrics, recorded through swift-metrics into a per-daemon Prometheus registry.
///
/// Each daemon owns its registry instead of bootstrapping the process-global `MetricsSystem`,
/// so several daemons can run in one process (the integration tests do) without sharing
/// counters. `/metrics` serves ``exposition()``.
final class ServerMetrics: Sendable {
    let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    private let counters = NIOLockedValueBox([CounterKey: CoreMetrics.Counter]())

    private let httpResponseCounters = NIOLockedValueBox([HTTPResponseKey: CoreMetrics.Counter]())

    private struct CounterKey: Hashable {
        var label: String
        var dimensions: [String]
    }

    private struct HTTPResponseKey: Hashable {
        var route: String
        var status: UInt
    }

    /// Accepted TCP connections on the binary listener.
    let binaryConnections: CoreMetrics.Counter
    /// Accepted TCP connections on the HTTP listener.
    let httpConnections: CoreMetrics.Counter
    /// HELLOs refused for a missing or wrong token.
    let authFailures: CoreMetrics.Counter
    /// Bytes made durable by upload chunks.
    let uploadBytes: CoreMetrics.Counter
    /// Uploads verified and committed.
    let uploadsCommitted: CoreMetrics.Counter
    /// Server messages dropped from a full HTTP session inbox (the client stopped polling).
    let httpInboxDropped: CoreMetrics.Counter
    /// Open sessions per role.
    private let sessionGauges: [String: CoreMetrics.Gauge]
    /// Messages received, indexed by transport then by wire type: created up front because
    /// this is the per-frame hot path.
    private let messageCounters: [Transport: [UInt8: CoreMetrics.Counter]]

    /// The transports a message can arrive on (the `transport` label).
    enum Transport: String, CaseIterable, Sendable {
        case binary
        case http2
    }

    init() {
        registry = PrometheusCollectorRegistry()
        factory = PrometheusMetricsFactory(registry: registry)
        binaryConnections = CoreMetrics.Counter(label: "edge_connections_total", dimensions: [("transport", "binary")], factory: factory)
        httpConnections = CoreMetrics.Counter(label: "edge_connections_total", dimensions: [("transport", "http")], factory: factory)
        authFailures = CoreMetrics.Counter(label: "edge_auth_failures_total", factory: factory)
        uploadBytes = CoreMetrics.Counter(label: "edge_upload_bytes_total", factory: factory)
        uploadsCommitted = CoreMetrics.Counter(label: "edge_uploads_committed_total", factory: factory)
        httpInboxDropped = CoreMetrics.Counter(label: "edge_http_inbox_dropped_total", factory: factory)
        var gauges: [String: CoreMetrics.Gauge] = [:]
        for role in SessionRole.allCases {
            gauges[role.rawValue] = CoreMetrics.Gauge(label: "edge_sessions_open", dimensions: [("role", role.rawValue)], factory: factory)
        }
        sessionGauges = gauges
        var messageCounters: [Transport: [UInt8: CoreMetrics.Counter]] = [:]
        for transport in Transport.allCases {
            var byType: [UInt8: CoreMetrics.Counter] = [:]
            for type in MessageType.allCases {
                byType[type.rawValue] = CoreMetrics.Counter(
                    label: "edge_messages_received_total",
                    dimensions: [("type", type.description), ("transport", transport.rawValue)], factory: factory)
            }
            messageCounters[transport] = byType
        }
        self.messageCounters = messageCounters
    }

    /// Sets the open-session gauge of each role.
    func recordSessions(_ counts: [SessionRole: Int]) {
        for role in SessionRole.allCases {
            sessionGauges[role.rawValue]?.record(counts[role] ?? 0)
        }
    }

    /// A message received, by transport and message type.
    func messageReceived(_ type: MessageType, transport: Transport) {
        messageCounters[transport]?[type.rawValue]?.increment()
    }

    /// A protocol or session error sent to a peer, by error code name.
    func errorSent(_ code: String) {
        counter("edge_errors_sent_total", [("code", code)]).increment()
    }

    /// An HTTP response, by route and status.
    func httpResponse(route: String, status: UInt) {
        httpResponseCounter(route: route, status: status).increment()
    }

    /// The counter behind ``httpResponse(route:status:)``, for callers that resolve it once.
    ///
    /// Every HTTP response passes here, so the cache is keyed by the route and the numeric
    /// status rather than by the generic label arrays (no allocation on a hit).
    func httpResponseCounter(route: String, status: UInt) -> CoreMetrics.Counter {
        let key = HTTPResponseKey(route: route, status: status)
        if let counter = httpResponseCounters.withLockedValue({ $0[key] }) { return counter }
        let counter = counter("edge_http_responses_total", [("route", route), ("status", String(status))])
        httpResponseCounters.withLockedValue { $0[key] = counter }
        return counter
    }

    /// A connection closed at accept because its listener's ``ConnectionGate`` was full.
    func connectionsRefused(listener: String) {
        counter("edge_connections_refused_total", [("transport", listener)]).increment()
    }

    /// An upload refused at END or CHUNK, by reason.
    func uploadRejected(_ reason: String) {
        counter("edge_uploads_rejected_total", [("reason", reason)]).increment()
    }

    /// The Prometheus text exposition of every metric.
    func exposition() -> [UInt8] { registry.emitToBuffer() }

    /// Counters with dimensions only known at run time are created once and cached.
    private func counter(_ label: String, _ dimensions: [(String, String)]) -> CoreMetrics.Counter {
        let key = CounterKey(label: label, dimensions: dimensions.flatMap { [$0.0, $0.1] })
        return counters.withLockedValue { cache in
            if let counter = cache[key] { return counter }
            let counter = CoreMetrics.Counter(label: label, dimensions: dimensions, factory: factory)
            cache[key] = counter
            return counter
        }
    }
}
