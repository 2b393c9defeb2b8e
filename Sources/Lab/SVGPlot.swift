import Foundation

/// A minimal SVG line plot: several named series over a shared x axis, linear or log-10 y
/// axis, ticks, a legend. Enough to show every sweep of gs-lab without a plotting dependency.
struct SVGPlot {
    /// One line of the plot.
    struct Series {
        var name: String
        var points: [(x: Double, y: Double)]
    }

    var title: String
    var xLabel: String
    var yLabel: String
    var series: [Series] = []
    var logY = false

    private static let palette = [
        "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
        "#bcbd22", "#17becf", "#000000", "#aec7e8",
    ]

    /// The SVG document.
    func render(width: Double = 720, height: Double = 440) -> String {
        let left = 70.0, right = 190.0, top = 40.0, bottom = 55.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let points = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite && (!logY || $0.y > 0) }
        let transform: (Double) -> Double = logY ? { log10($0) } : { $0 }
        let xs = points.map(\.x), ys = points.map { transform($0.y) }
        var (xMin, xMax) = (xs.min() ?? 0, xs.max() ?? 1)
        var (yMin, yMax) = (ys.min() ?? 0, ys.max() ?? 1)
        if xMax == xMin { (xMin, xMax) = (xMin - 1, xMax + 1) }
        if yMax == yMin { (yMin, yMax) = (yMin - 1, yMax + 1) }
        if !logY && yMin > 0 && yMin < 0.5 * yMax { yMin = 0 }
        let pad = 0.05 * (yMax - yMin)
        yMin -= logY || yMin != 0 ? pad : 0
        yMax += pad
        func px(_ x: Double) -> Double { left + (x - xMin) / (xMax - xMin) * plotWidth }
        func py(_ y: Double) -> Double { top + (1 - (transform(y) - yMin) / (yMax - yMin)) * plotHeight }

        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(left + plotWidth / 2)" y="22" text-anchor="middle" font-size="15">\(Self.escape(title))</text>
            <rect x="\(left)" y="\(top)" width="\(plotWidth)" height="\(plotHeight)" fill="none" stroke="#444"/>

            """
        for i in 0...5 {
            let fx = xMin + Double(i) / 5 * (xMax - xMin)
            let fy = yMin + Double(i) / 5 * (yMax - yMin)
            let yValue = logY ? pow(10, fy) : fy
            let yPixel = top + (1 - Double(i) / 5) * plotHeight
            svg += """
                <line x1="\(px(fx))" y1="\(top + plotHeight)" x2="\(px(fx))" y2="\(top + plotHeight + 5)" stroke="#444"/>
                <text x="\(px(fx))" y="\(top + plotHeight + 18)" text-anchor="middle">\(Self.format(fx))</text>
                <line x1="\(left)" y1="\(yPixel)" x2="\(left + plotWidth)" y2="\(yPixel)" stroke="#ddd"/>
                <text x="\(left - 6)" y="\(yPixel + 4)" text-anchor="end">\(Self.format(yValue))</text>

                """
        }
        svg += """
            <text x="\(left + plotWidth / 2)" y="\(height - 12)" text-anchor="middle">\(Self.escape(xLabel))</text>
            <text transform="translate(16 \(top + plotHeight / 2)) rotate(-90)" text-anchor="middle">\(Self.escape(yLabel))</text>

            """
        for (index, line) in series.enumerated() {
            let color = Self.palette[index % Self.palette.count]
            let valid = line.points.filter { $0.x.isFinite && $0.y.isFinite && (!logY || $0.y > 0) }
            let path = valid.map { "\(px($0.x)),\(py($0.y))" }.joined(separator: " ")
            svg += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(path)\"/>\n"
            for point in valid {
                svg += "<circle cx=\"\(px(point.x))\" cy=\"\(py(point.y))\" r=\"3\" fill=\"\(color)\"/>\n"
            }
            let legendY = top + 10 + Double(index) * 18
            svg += """
                <line x1="\(left + plotWidth + 12)" y1="\(legendY)" x2="\(left + plotWidth + 36)" y2="\(legendY)" stroke="\(color)" stroke-width="2"/>
                <text x="\(left + plotWidth + 42)" y="\(legendY + 4)">\(Self.escape(line.name))</text>

                """
        }
        return svg + "</svg>\n"
    }

    /// Writes the plot to `path`.
    func write(to path: URL) throws {
        try render().write(to: path, atomically: true, encoding: .utf8)
    }

    private static func format(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude != 0 && (magnitude < 1e-2 || magnitude >= 1e4) { return String(format: "%.1e", value) }
        return String(format: magnitude < 1 ? "%.3f" : "%.4g", value)
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
