import Foundation

extension ILODataset {
    /// CSV header: one row per user; the slot's scalars repeat on each of its rows.
    public static let csvHeader = "slot,K,K_max,P_W,sigma2_W,B_Hz,D_bits,T_budget_s,t_edge_s,G,gain,x_pmm"

    /// The dataset as CSV (numbers printed in Swift's round-trip form).
    public func csv() -> String {
        var lines = [Self.csvHeader]
        for (slot, instance) in instances.enumerated() {
            let prefix =
                "\(slot),\(instance.userCount),\(instance.maxUsers),\(instance.powerBudget),"
                + "\(instance.noisePower),\(instance.bandwidth),\(instance.frameBits),"
                + "\(instance.latencyBudget),\(instance.edgeRenderTime)"
            for k in 0..<instance.userCount {
                lines.append("\(prefix),\(instance.switchingGains[k]),\(instance.channelGains[k]),\(labels[slot][k] ? 1 : 0)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Parses `csv()` output; malformed rows throw `.badFile` naming the line.
    public static func parse(csv text: String) throws -> ILODataset {
        var lines = text.split(whereSeparator: \.isNewline)
        guard let header = lines.first, header == csvHeader else {
            throw OptimizerError(.badFile, "ILO dataset: expected header '\(csvHeader)'")
        }
        lines.removeFirst()
        var instances: [IRACInstance] = [], labels: [[Bool]] = []
        var rows: [[Double]] = []
        func flush() throws {
            guard let first = rows.first else { return }
            let instance = try IRACInstance(
                noisePower: first[4], bandwidth: first[5], frameBits: first[6], latencyBudget: first[7],
                edgeRenderTime: first[8], powerBudget: first[3], maxUsers: Int(first[2]),
                switchingGains: rows.map { $0[9] }, channelGains: rows.map { $0[10] })
            guard instance.userCount == Int(first[1]) else {
                throw OptimizerError(.badFile, "ILO dataset: slot \(Int(first[0])) has \(rows.count) rows, K = \(Int(first[1]))")
            }
            instances.append(instance)
            labels.append(rows.map { $0[11] == 1 })
            rows = []
        }
        for (number, line) in lines.enumerated() {
            let fields = line.split(separator: ",").map { Double($0) }
            guard fields.count == 12, fields.allSatisfy({ $0 != nil }) else {
                throw OptimizerError(.badFile, "ILO dataset line \(number + 2): expected 12 numbers")
            }
            let row = fields.map { $0! }
            if let current = rows.first, current[0] != row[0] { try flush() }
            rows.append(row)
        }
        try flush()
        return try ILODataset(instances: instances, labels: labels)
    }

    /// Writes the CSV file.
    public func write(to url: URL) throws {
        do {
            try csv().write(to: url, atomically: true, encoding: .utf8)
        } catch {
            throw OptimizerError(.badFile, "cannot write ILO dataset \(url.path): \(error)")
        }
    }

    /// Reads a CSV file written by `write(to:)`.
    public static func read(from url: URL) throws -> ILODataset {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw OptimizerError(.badFile, "cannot read ILO dataset \(url.path)")
        }
        return try parse(csv: text)
    }
}
