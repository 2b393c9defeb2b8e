import Foundation

/// A small result table written as CSV (for plots) and as a markdown table (for docs).
struct STTGSTable {
    let columns: [String]
    private(set) var rows: [[String]] = []

    init(_ columns: [String]) { self.columns = columns }

    /// Appends a row; numbers are formatted with `digits` significant digits.
    mutating func append(_ cells: [CustomStringConvertible], digits: Int = 5) {
        rows.append(
            cells.map { cell in
                if let value = cell as? Double { return value.isFinite ? String(format: "%.\(digits)g", value) : "nan" }
                return cell.description
            })
    }

    var csv: String { ([columns] + rows).map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n" }

    var markdown: String {
        let header = "| " + columns.joined(separator: " | ") + " |"
        let rule = "|" + columns.map { _ in "---" }.joined(separator: "|") + "|"
        return ([header, rule] + rows.map { "| " + $0.joined(separator: " | ") + " |" }).joined(separator: "\n") + "\n"
    }

    /// Writes `<directory>/<name>.csv`.
    func write(to directory: URL, name: String) throws {
        try csv.write(to: directory.appendingPathComponent("\(name).csv"), atomically: true, encoding: .utf8)
    }
}

extension Array where Element == Double {
    /// Arithmetic mean (nan when empty).
    var mean: Double { isEmpty ? .nan : reduce(0, +) / Double(count) }
    /// Median (nan when empty).
    var median: Double {
        guard !isEmpty else { return .nan }
        let sorted = self.sorted()
        return count % 2 == 1 ? sorted[count / 2] : 0.5 * (sorted[count / 2 - 1] + sorted[count / 2])
    }
}
