import Prometheus

/// The training service's Prometheus metrics, registered in the daemon's own registry.
struct TrainingMetrics: Sendable {
    let runs: Counter
    let failedRuns: Counter
    let promotedVersions: Counter
    let iterations: Counter
    let servingVersion: Gauge
    let loss: Gauge
    let heldOutPSNR: Gauge
    let heldOutSSIM: Gauge
    let runTime: DurationHistogram

    init(registry: PrometheusCollectorRegistry) {
        runs = registry.makeCounter(name: "edge_training_runs_total")
        failedRuns = registry.makeCounter(name: "edge_training_runs_failed_total")
        promotedVersions = registry.makeCounter(name: "edge_training_promoted_versions_total")
        iterations = registry.makeCounter(name: "edge_training_iterations_total")
        servingVersion = registry.makeGauge(name: "edge_model_serving_version")
        loss = registry.makeGauge(name: "edge_training_loss")
        heldOutPSNR = registry.makeGauge(name: "edge_training_heldout_psnr_db")
        heldOutSSIM = registry.makeGauge(name: "edge_training_heldout_ssim")
        runTime = registry.makeDurationHistogram(
            name: "edge_training_run_seconds", buckets: [1, 5, 20, 60, 300, 1200, 3600].map { .seconds($0) })
    }
}
