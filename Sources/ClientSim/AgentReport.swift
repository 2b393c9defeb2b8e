import Foundation

/// What one agent saw in one slot: the schedule it followed and the quality it got.
struct SlotRow: Codable, Sendable {
    var slot: UInt64
    var decision: Int
    var powerW: Double
    /// Bits carried on the emulated link (robots: I or S uplink; users: D downlink when x = 1).
    var bits: Double
    var gain: Double
    var rateBps: Double
    /// Emulated latency of the transmission (ms): airtime, plus the wait for the FRAME for users.
    var latencyMilliseconds: Double
    /// The transmission could not finish by its deadline.
    var outage: Bool
    /// GS loss ℓ of what the agent showed against its true view.
    var loss: Double
    var psnr: Double
    /// Robots sharing the edge's receiver: interference-to-noise ratio after its combiner (0 alone).
    var interferenceToNoise: Double
}

/// One agent's run: its identity and a row per slot.
struct AgentReport: Codable, Sendable {
    var client: String
    var role: String
    var link: UInt32
    var rows: [SlotRow]

    static let csvHeader = "slot,decision,power_w,bits,gain,rate_bps,latency_ms,outage,loss,psnr,interference_to_noise"

    /// The rows as CSV.
    var csv: String {
        ([Self.csvHeader]
            + rows.map { r in
                "\(r.slot),\(r.decision),\(r.powerW),\(r.bits),\(r.gain),\(r.rateBps),\(r.latencyMilliseconds),\(r.outage ? 1 : 0),\(r.loss),\(r.psnr),\(r.interferenceToNoise)"
            }).joined(separator: "\n") + "\n"
    }

    /// Writes `<client>.csv` and `<client>.json` into `directory`.
    func write(to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try csv.write(toFile: "\(directory)/\(client).csv", atomically: true, encoding: .utf8)
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        // PSNR of identical images and the latency of a frame that never came are infinite.
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        try encoder.encode(self).write(to: URL(fileURLWithPath: "\(directory)/\(client).json"))
    }
}

/// Per-role totals printed at exit.
struct RoleSummary {
    var agents = 0
    var slots = 0
    var scheduled = 0
    /// Transmissions at a scheduled power (bits > 0) and those that missed their deadline.
    var transmissions = 0
    var outages = 0
    var lossSum = 0.0
    var psnrSum = 0.0
    var powerSum = 0.0

    mutating func add(_ report: AgentReport) {
        agents += 1
        for row in report.rows {
            slots += 1
            scheduled += row.decision
            if row.bits > 0 { transmissions += 1 }
            if row.outage { outages += 1 }
            lossSum += row.loss
            // Identical images have infinite PSNR (capped at 99 dB); NaN (not evaluated) stays NaN.
            psnrSum += row.psnr.isNaN || row.psnr.isFinite ? min(row.psnr, 99) : 99
            powerSum += row.powerW
        }
    }

    /// A table row: role, agents, slots, mean loss, mean PSNR, mean power, x=1 count, transmissions
    /// scheduled, outages and transmissions achieved over the true channel.
    func line(role: String, solver: String, solverTimes: String) -> String {
        let n = Double(max(slots, 1))
        let numbers = String(
            format: "%6d %7d %10.5f %8.2f %12.3e %8d %8d %8d %8d", agents, slots, lossSum / n, psnrSum / n, powerSum / n, scheduled,
            transmissions, outages, transmissions - outages)
        return role.padding(toLength: 7, withPad: " ", startingAt: 0) + solver.padding(toLength: 9, withPad: " ", startingAt: 0)
            + numbers + "  " + solverTimes
    }

    static let header =
        "role   solver   agents   slots  mean loss     PSNR  mean power W   x=1 n     sent  outages achieved  solver ms p50/p99"
}
