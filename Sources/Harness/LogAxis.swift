import Foundation

/// A horizontal axis in whole powers of ten, for the speed (MB/s) of the charts: the compare
/// report's Pareto chart and the grade leaderboard. Decades run from the slowest figure's,
/// rounded down, to the fastest's, rounded up, and span at least one.
public struct LogAxis: Sendable {
    /// The first and last decade shown: 10^lo … 10^hi.
    public let lo: Double, hi: Double
    public let left: Double, width: Double
    /// Figures below it are drawn at it (0: none are).
    public let floor: Double

    /// `empty` is the decade range shown when there are no figures.
    public init(_ values: [Double], floor: Double = 0, empty: (lo: Double, hi: Double), left: Double, width: Double) {
        let logs = values.map { log10(max($0, floor)) }
        lo = (logs.min() ?? empty.lo).rounded(.down)
        hi = max(lo + 1, (logs.max() ?? empty.hi).rounded(.up))
        self.left = left
        self.width = width
        self.floor = floor
    }

    public func x(_ v: Double) -> Double { left + (log10(max(v, floor)) - lo) / (hi - lo) * width }

    /// A grey vertical line from `top` to `bottom` at every decade and its label under it;
    /// `coordinate` writes a pixel position and `label` a decade exponent, as the page does.
    public func grid(top: Double, bottom: Double, coordinate: (Double) -> String, label: (Double) -> String) -> String {
        var s = ""
        var e = lo
        while e <= hi {
            let at = coordinate(x(pow(10, e)))
            s += "<line x1=\"\(at)\" x2=\"\(at)\" y1=\"\(top)\" y2=\"\(bottom)\" stroke=\"#e3e3e3\"/>"
            s += "<text x=\"\(at)\" y=\"\(bottom + 16)\" text-anchor=\"middle\">\(label(e))</text>"
            e += 1
        }
        return s
    }
}
