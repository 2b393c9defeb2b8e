import Prometheus

/// The collection rounds' Prometheus metrics, registered in the daemon's own registry.
struct RoundMetrics: Sendable {
    let rounds: Counter
    let failedRounds: Counter
    let pilotOutages: Counter
    let datasetOutages: Counter
    let selectedCollectors: Counter
    let samplesAggregated: Counter
    let solverTime: DurationHistogram
    let predictionTime: DurationHistogram
    let pilotTime: Gauge
    let objective: Gauge

    init(registry: PrometheusCollectorRegistry) {
        rounds = registry.makeCounter(name: "edge_sttgs_rounds_total")
        failedRounds = registry.makeCounter(name: "edge_sttgs_rounds_failed_total")
        pilotOutages = registry.makeCounter(name: "edge_sttgs_pilot_outages_total")
        datasetOutages = registry.makeCounter(name: "edge_sttgs_dataset_outages_total")
        selectedCollectors = registry.makeCounter(name: "edge_sttgs_selected_collectors_total")
        samplesAggregated = registry.makeCounter(name: "edge_sttgs_samples_aggregated_total")
        let buckets: [Duration] = [1, 5, 20, 100, 500, 2000, 10000].map { .milliseconds($0) }
        solverTime = registry.makeDurationHistogram(name: "edge_sttgs_solver_seconds", buckets: buckets)
        predictionTime = registry.makeDurationHistogram(name: "edge_sttgs_prediction_seconds", buckets: buckets)
        pilotTime = registry.makeGauge(name: "edge_sttgs_pilot_time_seconds")
        objective = registry.makeGauge(name: "edge_sttgs_objective")
    }
}
