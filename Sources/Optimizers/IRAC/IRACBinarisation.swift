/// Turns a score per user (a relaxed x, a predicted probability) into a feasible 0/1 decision.
/// Shared by PMM's final step, the Rounding baseline and ILO's feasibility repair.
public enum IRACBinarisation {
    /// Threshold at 0.5, then drop served users, least score first (ties: least Δ/p^min), until
    /// the power budget and K_max hold. The result is always feasible: serving nobody is.
    public static func roundAndRepair(_ instance: IRACInstance, scores: [Double]) -> [Bool] {
        var served = scores.map { $0 >= 0.5 }
        let minimum = instance.minimumPowers
        let dropOrder = served.indices.filter { served[$0] }.sorted { a, b in
            if scores[a] != scores[b] { return scores[a] < scores[b] }
            return instance.switchingGains[a] / minimum[a] < instance.switchingGains[b] / minimum[b]
        }
        var count = served.filter { $0 }.count
        var spent = served.indices.reduce(0.0) { $0 + (served[$1] ? minimum[$1] : 0) }
        for k in dropOrder where count > instance.maxUsers || !withinBudget(spent, instance) {
            served[k] = false
            count -= 1
            spent -= minimum[k]
        }
        return served
    }

    /// Adds unserved users in the given order whenever they still fit (power and K_max);
    /// every addition with Δ_k > 0 strictly lowers the objective.
    public static func fill(_ instance: IRACInstance, _ served: [Bool], order: [Int]) -> [Bool] {
        var served = served
        let minimum = instance.minimumPowers
        var count = served.filter { $0 }.count
        var spent = served.indices.reduce(0.0) { $0 + (served[$1] ? minimum[$1] : 0) }
        for k in order where !served[k] && instance.switchingGains[k] > 0 && count < instance.maxUsers {
            if withinBudget(spent + minimum[k], instance) {
                served[k] = true
                count += 1
                spent += minimum[k]
            }
        }
        return served
    }

    /// Users by decreasing Δ_k (ties by index), the order PMM's final fill uses.
    public static func largestGainFirst(_ instance: IRACInstance) -> [Int] {
        instance.switchingGains.indices.sorted {
            let a = instance.switchingGains[$0], b = instance.switchingGains[$1]
            return a != b ? a > b : $0 < $1
        }
    }

    /// Whether spending `spent` watts respects P within the feasibility tolerance.
    static func withinBudget(_ spent: Double, _ instance: IRACInstance) -> Bool {
        spent - instance.powerBudget <= IRACInstance.feasibilityTolerance * 0.5 * instance.powerBudget
    }
}
