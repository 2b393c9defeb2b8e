import Foundation

/// ILO's input tuple, one row per user: the user's own numbers (Δ_k, channel gain, p_k^min/P)
/// placed in the context of the slot (ranks, what cheap greedy rules would do) and the slot's
/// global numbers (P, K_max, K). Shared weights over rows make one network serve any K.
///
/// Every feature costs O(K log K), so inference stays far cheaper than PMM.
public enum ILOFeatures {
    /// Feature names, in column order (recorded in the model file).
    public static let names = [
        "log_gain_over_mean", "gain_over_max", "channel_gain_dB", "log10_pmin_over_P",
        "pmin_over_P_clipped", "gain_rank_over_K", "efficiency_rank_over_K",
        "efficiency_rank_over_Kmax", "cumulative_pmin_by_efficiency_over_P",
        "greedy_efficiency_selects", "greedy_gain_selects", "P_dBm", "Kmax_over_K", "K", "K_max",
        "log10_total_pmin_over_P",
    ]

    /// Columns per row.
    public static var width: Int { names.count }

    /// The K × width feature matrix of `instance`, row-major.
    public static func matrix(_ instance: IRACInstance) -> [Double] {
        let count = instance.userCount
        let gains = instance.switchingGains
        let minimum = instance.minimumPowers
        let budget = max(instance.powerBudget, 1e-300)
        let meanGain = max(gains.reduce(0, +) / Double(count), 1e-300)
        let maxGain = max(gains.max() ?? 0, 1e-300)
        let efficiency = gains.indices.map { gains[$0] / minimum[$0] }
        let byGain = IRACBinarisation.largestGainFirst(instance)
        let byEfficiency = gains.indices.sorted {
            efficiency[$0] != efficiency[$1] ? efficiency[$0] > efficiency[$1] : $0 < $1
        }
        var gainRank = [Int](repeating: 0, count: count)
        var efficiencyRank = [Int](repeating: 0, count: count)
        var cumulative = [Double](repeating: 0, count: count)
        var running = 0.0
        for (rank, k) in byGain.enumerated() { gainRank[k] = rank }
        for (rank, k) in byEfficiency.enumerated() {
            efficiencyRank[k] = rank
            running += minimum[k]
            cumulative[k] = running / budget
        }
        let none = [Bool](repeating: false, count: count)
        let greedyEfficiency = IRACBinarisation.fill(instance, none, order: byEfficiency)
        let greedyGain = IRACBinarisation.fill(instance, none, order: byGain)
        let kMax = Double(instance.maxUsers), users = Double(count)
        let global = [
            10 * log10(budget) + 30, kMax / users, users, kMax, log10(max(running / budget, 1e-30)),
        ]
        var rows = [Double]()
        rows.reserveCapacity(count * width)
        for k in 0..<count {
            rows += [
                log(max(gains[k], 1e-300) / meanGain), gains[k] / maxGain,
                10 * log10(instance.channelGains[k]), log10(minimum[k] / budget),
                min(minimum[k] / budget, 2), Double(gainRank[k]) / users,
                Double(efficiencyRank[k]) / users, Double(efficiencyRank[k]) / max(kMax, 1),
                min(cumulative[k], 3), greedyEfficiency[k] ? 1 : 0, greedyGain[k] ? 1 : 0,
            ]
            rows += global
        }
        return rows
    }
}
