import Prometheus

/// The live view's Prometheus metrics (docs/OPERATIONS.md, "Metrics").
struct LiveViewMetrics: Sendable {
    /// Viewers streaming `GET /ui/events` now.
    let viewers: Gauge
    /// `state` events written to viewers (one per viewer).
    let events: Counter
    /// Bytes of those events.
    let eventBytes: Counter
    /// Images answered on `GET /ui/frames/{client}`, composed or cached.
    let images: Counter
    /// MR frames composed for the view (the rest came from the cache).
    let imagesComposed: Counter
    /// View logins (`POST /ui/login`) that set a cookie.
    let logins: Counter

    init(registry: PrometheusCollectorRegistry) {
        viewers = registry.makeGauge(name: "edge_view_viewers")
        events = registry.makeCounter(name: "edge_view_events_total")
        eventBytes = registry.makeCounter(name: "edge_view_event_bytes_total")
        images = registry.makeCounter(name: "edge_view_images_total")
        imagesComposed = registry.makeCounter(name: "edge_view_images_composed_total")
        logins = registry.makeCounter(name: "edge_view_logins_total")
    }
}
