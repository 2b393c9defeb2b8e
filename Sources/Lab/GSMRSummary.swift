import Foundation
import Optimizers

/// The markdown summary of a GSMR sweep: every table the paper's figures show, plus the
/// explicit check of its headline claims on our instances.
struct GSMRSummary {
    var runs: Int
    var frames: Int
    var lossSource: String
    var comparisons: [(kFactorDB: Double, table: ComparisonTable)] = []
    var convergence = GSCLOSolver.APOTrace()
    var robust = ComparisonTable()
    var lowPower = ComparisonTable()
    var multiRobot = ComparisonTable()

    static let baselines = ["ranking", "robomr", "robogs", "maxrate", "fairness", "search", "rounding", "maximg"]

    func markdown() -> String {
        var text = "# GSMR sweep\n\n\(runs) runs per setting, T = \(frames), L_t source: \(lossSource).\n"
        for (kFactor, table) in comparisons {
            text += "\n## Mean loss, K = \(kFactor) dB\n\n" + lossTable(table)
            text +=
                "\n## Energy efficiency (Mbit/J), K = \(kFactor) dB\n\n"
                + metricTable(table, "energy_Mbit_per_J", format: "%.2f")
            text += "\n## Mean solver time (ms), K = \(kFactor) dB\n\n" + metricTable(table, "time_ms", format: "%.3f")
            if table.hasMetric("psnr_dB") {
                text +=
                    "\n## Mean PSNR (dB) of the run's MR frames against the real MR frames, K = \(kFactor) dB\n\n"
                    + metricTable(table, "psnr_dB", format: "%.2f")
            }
        }
        text += "\n## APO convergence (P = 5 mW, K = 30 dB)\n\n"
        let finalStep = convergence.stepNorms.last ?? .nan
        let finalGap = convergence.binaryGaps.last ?? .nan
        text += String(
            format: "%d DC iterations; final ‖Δx‖ = %.2e, final (1/T)Σx(1−x) = %.2e.\n",
            convergence.stepNorms.count, finalStep, finalGap)
        text += "\n## Robust: APO vs BILS under channel error (K = 10 dB, ω² = 0.04|h̃|², ε = 0.1)\n\n"
        text += "| P (mW) | solver | planned loss | expected loss | packet loss | image packet loss | images |\n"
        text += "|---|---|---|---|---|---|---|\n"
        for power in robust.powers {
            for solver in robust.solvers {
                let values = ["planned_loss", "expected_loss", "packet_loss", "image_packet_loss", "images"].map {
                    String(format: "%.4f", robust.mean($0, power: power, solver: solver))
                }
                text += "| \(Self.number(power)) | \(solver) | " + values.joined(separator: " | ") + " |\n"
            }
        }
        text += "\n## Low power: mean power vs L_th (K = 30 dB)\n\n"
        let unprovenQGS = lowPower.unproven.values.reduce(0, +)
        text +=
            "qgs (exact) stopped at its node cap without a proof in \(unprovenQGS) of \(runs * lowPower.powers.count) solves; its means are over the proven ones.\n\n"
        text += "| L_th | solver | power (mW) | saving vs all images |\n|---|---|---|---|\n"
        for threshold in lowPower.powers {
            for solver in lowPower.solvers {
                text += String(
                    format: "| %.3f | %@ | %.3f | %.1f %% |\n", threshold, solver,
                    lowPower.mean("power_mW", power: threshold, solver: solver),
                    100 * lowPower.mean("saving", power: threshold, solver: solver))
            }
        }
        text += "\n## Multi-robot (N = 4 antennas, K = 2 robots, ZF, K_Ric = 0 dB): mean loss per robot\n\n"
        text += metricTable(multiRobot, "loss", format: "%.4f")
        return text
    }

    /// Loss per solver and budget, with APO's reduction against the best baseline.
    private func lossTable(_ table: ComparisonTable) -> String {
        var text = metricTable(table, "loss", format: "%.4f")
        text +=
            "\n| P (mW) | best baseline | its loss | APO loss | APO reduction | exact loss (proven runs) | mean APO gap to exact (paired) | exact unproven runs |\n"
        text += "|---|---|---|---|---|---|---|---|\n"
        for power in table.powers {
            let best = Self.baselines.min { table.mean("loss", power: power, solver: $0) < table.mean("loss", power: power, solver: $1) }!
            let baseline = table.mean("loss", power: power, solver: best)
            let apo = table.mean("loss", power: power, solver: "apo")
            let exact = table.mean("loss", power: power, solver: "exact")
            let unproven = table.unproven[power] ?? 0
            let gap = table.mean("gap_to_exact", power: power, solver: "apo")
            text += String(
                format: "| %@ | %@ | %.4f | %.4f | %.1f %% | %.4f | %.2f %% | %d |\n", Self.number(power), best, baseline,
                apo, 100 * (1 - apo / baseline), exact, 100 * gap, unproven)
        }
        return text
    }

    /// One row per budget, one column per solver.
    private func metricTable(_ table: ComparisonTable, _ metric: String, format: String) -> String {
        var text = "| P | " + table.solvers.joined(separator: " | ") + " |\n"
        text += "|---|" + String(repeating: "---|", count: table.solvers.count) + "\n"
        for power in table.powers {
            text +=
                "| \(Self.number(power)) | "
                + table.solvers.map { String(format: format, table.mean(metric, power: power, solver: $0)) }
                .joined(separator: " | ") + " |\n"
        }
        return text
    }

    private static func number(_ value: Double) -> String { String(format: "%g", value) }
}
