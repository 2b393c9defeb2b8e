import Foundation
import Testing

/// deploy/grafana/splatedge-dashboard.json queries only metrics the daemon registers, and
/// docs/OPERATIONS.md lists every one of them.
@Suite("Grafana dashboard")
struct GrafanaDashboardTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `edge_…` names in `text`, with Prometheus's histogram suffixes taken off.
    static func metricNames(in text: String) -> Set<String> {
        let regex = try! NSRegularExpression(pattern: "edge_[a-z_]+")
        let range = NSRange(text.startIndex..., in: text)
        return Set(
            regex.matches(in: text, range: range).map { match in
                var name = String(text[Range(match.range, in: text)!])
                for suffix in ["_bucket", "_count", "_sum"] where name.hasSuffix(suffix) { name.removeLast(suffix.count) }
                return name
            })
    }

    /// The names the daemon's sources register: `makeCounter(name: "edge_…")` and the like,
    /// swift-metrics `label:`s, and the labelled counters made on first use (`counter("edge_…"`).
    static func registeredNames() throws -> Set<String> {
        let sources = root.appendingPathComponent("Sources/EdgeServer")
        var names: Set<String> = []
        for case let file as URL in FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)! where file.pathExtension == "swift"
        {
            let text = try String(contentsOf: file, encoding: .utf8)
            let regex = try NSRegularExpression(pattern: #"(?:name: |label: |counter\()"(edge_[a-z_]+)""#)
            for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                names.insert(String(text[Range(match.range(at: 1), in: text)!]))
            }
        }
        return names
    }

    @Test("every queried metric is registered by the daemon and documented")
    func queriedMetricsExistAndAreDocumented() throws {
        let data = try Data(contentsOf: Self.root.appendingPathComponent("deploy/grafana/splatedge-dashboard.json"))
        let dashboard = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let panels = try #require(dashboard["panels"] as? [[String: Any]])
        let expressions = panels.flatMap { ($0["targets"] as? [[String: Any]] ?? []).compactMap { $0["expr"] as? String } }
        #expect(expressions.count >= 20)
        let queried = Self.metricNames(in: expressions.joined(separator: "\n"))
        let registered = try Self.registeredNames()
        let documented = Self.metricNames(in: try String(contentsOf: Self.root.appendingPathComponent("docs/OPERATIONS.md"), encoding: .utf8))
        #expect(queried.subtracting(registered).isEmpty, "not registered: \(queried.subtracting(registered).sorted())")
        #expect(queried.subtracting(documented).isEmpty, "not documented: \(queried.subtracting(documented).sorted())")
        // Every registered metric has a panel.
        #expect(registered.subtracting(queried).isEmpty, "no panel: \(registered.subtracting(queried).sorted())")
    }
}
