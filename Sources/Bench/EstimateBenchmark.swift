#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Throughput of the entropy estimators behind `squeeze estimate`
/// (run with `squeeze bench estimate`, release build).
public enum EstimateBenchmark {
    public struct Measurement: Sendable {
        public let inputBytes: Int
        public let stage: String
        public let seconds: Double
        public var megabytesPerSecond: Double { seconds > 0 ? Double(inputBytes) / 1e6 / seconds : 0 }
    }

    /// Times orders 0…6 together (ContextStatistics), PPM order 5 and LZ78 on
    /// 1, 4 and 16 MiB of text: corpora/large/bible.txt repeated when it is
    /// readable from the working directory, else a synthetic order-2 text.
    public static func run(sizes: [Int] = [1 << 20, 4 << 20, 16 << 20], maxOrder: Int = 6) -> (report: String, measurements: [Measurement]) {
        let (seed, source) = sampleText()
        var measurements: [Measurement] = []
        var lines = ["estimate benchmark: input \(source)", "",
                     "size      stage            seconds    MB/s"]
        for size in sizes {
            var input = [UInt8]()
            input.reserveCapacity(size)
            while input.count < size { input.append(contentsOf: seed.prefix(size - input.count)) }
            input.withUnsafeBytes { raw in
                func time(_ stage: String, _ body: () -> Void) {
                    let start = now()
                    body()
                    let m = Measurement(inputBytes: size, stage: stage, seconds: now() - start)
                    measurements.append(m)
                    lines.append(pad("\(size >> 20) MiB", 10) + pad(stage, 17) + pad(fmt(m.seconds, 3), 11) + fmt(m.megabytesPerSecond, 1))
                }
                time("orders 0-\(maxOrder)") { _ = ContextStatistics.compute(raw, maxOrder: maxOrder) }
                time("ppm order 5") { _ = PPMEstimator.estimate(raw, maxOrder: 5) }
                time("lz78") { _ = LZEntropyEstimator.lz78(raw) }
            }
        }
        lines.append("")
        lines.append("orders 0-\(maxOrder): one LSD radix pass per order over 8-gram keys (17 bytes of memory per input byte).")
        lines.append("No system-library stage: estimators have no external counterpart to time against.")
        return (lines.joined(separator: "\n"), measurements)
    }

    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }

    static func fmt(_ x: Double, _ digits: Int) -> String {
        let scale = pow(10, Double(digits))
        let v = (x * scale).rounded() / scale
        var s = String(v)
        if let dot = s.firstIndex(of: ".") {
            let decimals = s.distance(from: dot, to: s.endIndex) - 1
            if decimals < digits { s += String(repeating: "0", count: digits - decimals) }
        }
        return s
    }

    static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s + " " : s + String(repeating: " ", count: width - s.count)
    }

    static func sampleText() -> ([UInt8], String) {
        if let path = try? CorpusLocation.file("large/bible.txt"), let f = fopen(path, "rb") {
            defer { fclose(f) }
            var out: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = fread(&chunk, 1, chunk.count, f)
                if n <= 0 { break }
                out.append(contentsOf: chunk[0..<n])
            }
            if !out.isEmpty { return (out, "\(path) (repeated to size)") }
        }
        // Synthetic: an order-2 source over 27 letters and space, deterministic.
        var state: UInt64 = 0x1234_5678
        var out = [UInt8](repeating: 0, count: 1 << 20)
        var a = 0, b = 0
        for i in 0..<out.count {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let r = Int(state >> 59) // 0…31
            let c = (a * 7 + b * 3 + r) % 28
            out[i] = c == 27 ? 0x20 : UInt8(97 + c % 26)
            a = b
            b = c
        }
        return (out, "synthetic order-2 text (bible.txt not found)")
    }
}
