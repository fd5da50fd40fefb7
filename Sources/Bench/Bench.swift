// Benchmarks run by `squeeze bench NAME` in release mode: each reports its
// own figures and the system baseline it is measured against in the same run.
@_exported import SqueezeKit
import Foundation

/// A whole file, or nil if it cannot be read (benchmarks fall back or report it).
func readCorpusFile(_ path: String) -> [UInt8]? {
    try? CorpusWalker.read(path)
}

/// 10^6 bytes per second; a zero time counts as a nanosecond.
func mbps(_ bytes: Int, _ seconds: Double) -> Double { Double(bytes) / 1e6 / Swift.max(seconds, 1e-9) }

/// `s` padded with spaces to `w` columns, or followed by one space if it is as wide or wider.
func pad(_ s: String, _ w: Int) -> String { s.count >= w ? s + " " : s + String(repeating: " ", count: w - s.count) }

/// `x` rounded to `digits` decimals ("-" when not finite), for the benchmark tables.
func fmt(_ x: Double, _ digits: Int) -> String {
    guard x.isFinite else { return "-" }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let v = (x * scale).rounded() / scale
    return digits == 0 ? String(Int(v)) : String(v)
}

/// "+1.55%": how much larger `a` is than `b` (negative when smaller), two decimals.
func percentAbove(_ a: Double, _ b: Double) -> String {
    let p = 100 * (a - b) / Swift.max(b, 1e-12)
    return (p >= 0 ? "+" : "") + String(format: "%.2f", p) + "%"
}
