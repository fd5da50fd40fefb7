import SqueezeKit
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Throughput of the bit-stream core: random 1–24-bit fields written with
/// `BitWriter` and read back with `BitReader`, plus Elias γ/δ and Rice
/// integer codes. Figures are MB/s (10^6 bytes) of coded data, median of
/// several runs, timed in CPU time of the benchmark thread; inputs are
/// generated and the output buffer allocated before the clock starts.
public struct BitIOBenchmarkReport: Sendable, CustomStringConvertible {
    public struct Row: Sendable {
        public let name: String
        /// Coded bytes per run.
        public let codedBytes: Int
        /// Values (fields or integers) per run.
        public let values: Int
        /// MB/s over thread CPU time.
        public let writeMBps: Double
        public let readMBps: Double
        /// MB/s over wall-clock time (lower when neighbours share the cores).
        public var writeWallMBps: Double = 0
        public var readWallMBps: Double = 0
    }
    public let runs: Int
    public let rows: [Row]

    public var description: String {
        var s = "BitIO throughput (MB/s of coded data, thread CPU time, median of \(English.count(runs, "run")))\n"
        s += pad("stream", 24) + pad("coded MiB", 11) + pad("Mvalues", 9) + pad("write MB/s", 12) + pad("read MB/s", 11)
            + pad("wall write", 12) + pad("wall read", 11)
        s += "\n"
        for r in rows {
            s += pad(r.name, 24)
            s += pad(fmt(Double(r.codedBytes) / 1_048_576, 1), 11)
            s += pad(fmt(Double(r.values) / 1e6, 1), 9)
            s += pad(fmt(r.writeMBps, 0), 12)
            s += pad(fmt(r.readMBps, 0), 11)
            s += pad(fmt(r.writeWallMBps, 0), 12)
            s += pad(fmt(r.readWallMBps, 0), 11)
            s += "\n"
        }
        return s
    }

    private func pad(_ s: String, _ w: Int) -> String {
        s.count >= w ? s + " " : s + String(repeating: " ", count: w - s.count)
    }
    private func fmt(_ x: Double, _ digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let v = (x * scale).rounded() / scale
        return digits == 0 ? String(Int(v)) : String(v)
    }
}

/// A tiny deterministic generator (SplitMix64) so every run codes the same data.
struct BenchRandom {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

public enum BitIOBenchmark {
    /// Runs the benchmark on about `codedMiB` MiB of coded fields, `runs` times each way.
    public static func run(codedMiB: Int = 64, runs: Int = 5) -> BitIOBenchmarkReport {
        let runs = max(1, runs)
        var rows: [BitIOBenchmarkReport.Row] = []
        rows.append(fieldsRow(codedBytes: max(1, codedMiB) << 20, runs: runs))
        // Integers drawn so that each code spends ~10–14 bits per value, as in LZ77 lengths and distances.
        let intBytes = max(1, codedMiB / 4) << 20
        rows.append(codeRow("Elias gamma", GammaForBench.self, codedBytes: intBytes, runs: runs) { g in
            (g.next() >> 1) >> UInt64(63 &- Int(g.next() % 12)) | 1
        })
        rows.append(codeRow("Elias delta", DeltaForBench.self, codedBytes: intBytes, runs: runs) { g in
            (g.next() >> 1) >> UInt64(63 &- Int(g.next() % 16)) | 1
        })
        rows.append(codeRow("Rice k=6", Rice6ForBench.self, codedBytes: intBytes, runs: runs) { g in
            // Geometric-ish: mostly below 2^7.
            g.next() >> UInt64(57 &+ Int(g.next() % 3))
        })
        return BitIOBenchmarkReport(runs: runs, rows: rows)
    }

    /// Random fields of 1–24 bits. Each field is packed as value << 5 | width.
    static func fieldsRow(codedBytes: Int, runs: Int) -> BitIOBenchmarkReport.Row {
        var g = BenchRandom(state: 0x5EED)
        var fields: [UInt32] = []
        fields.reserveCapacity(codedBytes * 8 / 12)
        var bits = 0
        var expectedSum: UInt64 = 0
        while bits < codedBytes * 8 {
            let r = g.next()
            let width = Int(r % 24) + 1
            let value = UInt32(truncatingIfNeeded: r >> 32) & ((1 << UInt32(width)) - 1)
            fields.append(value << 5 | UInt32(width))
            expectedSum &+= UInt64(value)
            bits += width
        }
        let byteCount = (bits + 7) / 8
        return timedRow("fields 1-24 bits", byteCount: byteCount, values: fields.count, runs: runs) { coded in
            fields.withUnsafeBufferPointer { f in
                var w = BitWriter(continuing: &coded)
                for x in f {
                    w.write(UInt64(x &>> 5), count: Int(x & 31))
                }
                w.finish(into: &coded)
            }
        } read: { coded in
            let (sum, mismatch) = fields.withUnsafeBufferPointer { f -> (UInt64, UInt64) in
                coded.withUnsafeBytes { raw -> (UInt64, UInt64) in
                    var r = BitReader(raw)
                    var sum: UInt64 = 0
                    var mismatch: UInt64 = 0
                    for x in f {
                        let v = r.read(Int(x & 31))
                        sum &+= v
                        mismatch |= v ^ UInt64(x &>> 5)
                    }
                    if r.isOverrun { mismatch |= 1 }
                    return (sum, mismatch)
                }
            }
            return sum == expectedSum && mismatch == 0
        }
    }

    // Generic over the code so each row is specialized and the code inlines into the loop.
    static func codeRow<Code: CodeForBench>(_ name: String, _: Code.Type, codedBytes: Int, runs: Int,
                                            _ draw: (inout BenchRandom) -> UInt64) -> BitIOBenchmarkReport.Row {
        var g = BenchRandom(state: 0xC0DE)
        var values: [UInt64] = []
        var bits = 0
        while bits < codedBytes * 8 {
            let n = draw(&g)
            values.append(n)
            bits += Code.codeLength(n)
        }
        let byteCount = (bits + 7) / 8
        return timedRow(name, byteCount: byteCount, values: values.count, runs: runs) { coded in
            values.withUnsafeBufferPointer { v in
                var w = BitWriter(continuing: &coded)
                for n in v { Code.encode(n, to: &w) }
                w.finish(into: &coded)
            }
        } read: { coded in
            values.withUnsafeBufferPointer { v -> Bool in
                coded.withUnsafeBytes { raw -> Bool in
                    var r = BitReader(raw)
                    var mismatch: UInt64 = 0
                    for n in v {
                        do {
                            mismatch |= try Code.decode(from: &r) ^ n
                        } catch {
                            return false
                        }
                    }
                    return mismatch == 0 && !r.isOverrun
                }
            }
        }
    }

    /// Times `write` (into an emptied buffer) and then `read` (true when it
    /// gave the values back) `runs` times each, thread CPU and wall clock. The
    /// output buffer is allocated (and its pages touched) once, before the
    /// clock, as a codec reusing its output buffer would.
    @inline(__always)
    static func timedRow(_ name: String, byteCount: Int, values: Int, runs: Int,
                         write: (inout ByteBuffer) -> Void, read: (ByteBuffer) -> Bool) -> BitIOBenchmarkReport.Row {
        var coded = ByteBuffer(capacity: byteCount + 16)
        var writeTimes: [Double] = [], readTimes: [Double] = []
        var writeWall: [Double] = [], readWall: [Double] = []
        for _ in 0..<runs {
            coded.removeAll()
            let start = Measurement.threadCPUTime()
            let wallStart = ContinuousClock.now
            write(&coded)
            writeTimes.append(Measurement.threadCPUTime() - start)
            writeWall.append(seconds(ContinuousClock.now - wallStart))
        }
        for _ in 0..<runs {
            let start = Measurement.threadCPUTime()
            let wallStart = ContinuousClock.now
            let ok = read(coded)
            readTimes.append(Measurement.threadCPUTime() - start)
            readWall.append(seconds(ContinuousClock.now - wallStart))
            if !ok || coded.count != byteCount {
                return .init(name: name + ": MISMATCH", codedBytes: byteCount, values: values, writeMBps: 0, readMBps: 0)
            }
        }
        var row = BitIOBenchmarkReport.Row(name: name, codedBytes: byteCount, values: values,
                                           writeMBps: Double(byteCount) / Measurement.median(writeTimes) / 1e6,
                                           readMBps: Double(byteCount) / Measurement.median(readTimes) / 1e6)
        row.writeWallMBps = Double(byteCount) / Measurement.median(writeWall) / 1e6
        row.readWallMBps = Double(byteCount) / Measurement.median(readWall) / 1e6
        return row
    }

    static func seconds(_ d: Duration) -> Double {
        let c = d.components
        return Double(c.seconds) + Double(c.attoseconds) * 1e-18
    }
}

/// The codes measured, as types so the benchmark loops specialize on them.
protocol CodeForBench {
    static func codeLength(_ n: UInt64) -> Int
    static func encode(_ n: UInt64, to writer: inout BitWriter)
    static func decode(from reader: inout BitReader) throws(CodecError) -> UInt64
}

enum GammaForBench: CodeForBench {
    @inline(__always) static func codeLength(_ n: UInt64) -> Int { EliasGamma.codeLength(n) }
    @inline(__always) static func encode(_ n: UInt64, to writer: inout BitWriter) { EliasGamma.encode(n, to: &writer) }
    @inline(__always) static func decode(from reader: inout BitReader) throws(CodecError) -> UInt64 {
        try EliasGamma.decode(from: &reader)
    }
}

enum DeltaForBench: CodeForBench {
    @inline(__always) static func codeLength(_ n: UInt64) -> Int { EliasDelta.codeLength(n) }
    @inline(__always) static func encode(_ n: UInt64, to writer: inout BitWriter) { EliasDelta.encode(n, to: &writer) }
    @inline(__always) static func decode(from reader: inout BitReader) throws(CodecError) -> UInt64 {
        try EliasDelta.decode(from: &reader)
    }
}

enum Rice6ForBench: CodeForBench {
    @inline(__always) static func codeLength(_ n: UInt64) -> Int { RiceCode.codeLength(n, k: 6) }
    @inline(__always) static func encode(_ n: UInt64, to writer: inout BitWriter) { RiceCode.encode(n, k: 6, to: &writer) }
    @inline(__always) static func decode(from reader: inout BitReader) throws(CodecError) -> UInt64 {
        try RiceCode.decode(k: 6, from: &reader)
    }
}
