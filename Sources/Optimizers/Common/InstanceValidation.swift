/// Checks shared by every instance loader: required numbers are finite, arrays have one entry
/// per item, physical quantities have the right sign. Each failure names the offending key.
public enum InstanceValidation {
    /// Throws unless `value` is finite and strictly positive.
    public static func requirePositive(_ value: Double, _ key: String) throws {
        guard value.isFinite, value > 0 else {
            throw OptimizerError(.invalidInstance, "'\(key)' must be a finite positive number, got \(value)")
        }
    }

    /// Throws unless `value` is finite and ≥ 0.
    public static func requireNonNegative(_ value: Double, _ key: String) throws {
        guard value.isFinite, value >= 0 else {
            throw OptimizerError(.invalidInstance, "'\(key)' must be a finite non-negative number, got \(value)")
        }
    }

    /// Throws unless `count` is at least `minimum`.
    public static func requireCount(_ count: Int, _ key: String, atLeast minimum: Int) throws {
        guard count >= minimum else {
            throw OptimizerError(.invalidInstance, "'\(key)' must be at least \(minimum), got \(count)")
        }
    }

    /// Throws unless `values` has `count` entries, each finite and ≥ 0 (or > 0 if `positive`).
    public static func requireArray(
        _ values: [Double], _ key: String, count: Int, positive: Bool = false
    ) throws {
        guard values.count == count else {
            throw OptimizerError(
                .invalidInstance, "'\(key)' must have \(count) entries, got \(values.count)")
        }
        for (index, value) in values.enumerated() {
            guard value.isFinite, positive ? value > 0 : value >= 0 else {
                let expectation = positive ? "finite positive" : "finite non-negative"
                throw OptimizerError(
                    .invalidInstance, "'\(key)[\(index)]' must be \(expectation), got \(value)")
            }
        }
    }
}
