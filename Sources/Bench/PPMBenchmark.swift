import SqueezeKit
#if canImport(Glibc)
import Glibc
#endif

/// `ppm` at its default level on book1 (Calgary): compress and decompress
/// speed (10^6 raw bytes per second of wall time, best of `runs`), bits/byte
/// and the process's peak resident memory while coding; the teaching variants
/// `ppma`, `ppmb`, `ppmc` and `ppmd` at their default levels for comparison; and 7-Zip's PPMd (order 6) timed as a
/// whole process when `7zz` is on PATH, with the ratio of our speed to its.
/// Run from the repository (the default path is relative).
public enum PPMBenchmark {
    public struct Row: Sendable {
        public let name: String
        public let codedBytes: Int
        public let bitsPerByte: Double
        public let compressMBps: Double
        public let decompressMBps: Double
        /// Peak resident memory of this process while coding (0 if unknown).
        public let peakMemory: Int64
    }

    public struct Result: Sendable {
        public let rows: [Row]
        public let report: String
    }

    /// `path` nil: calgary/book1 from the corpora (`CorpusLocation`).
    public static func run(path: String? = nil, runs: Int = 3) throws(BenchError) -> Result {
        let path = try CorpusLocation.file("calgary/book1", unless: path)
        let input = try CorpusLocation.read(path)
        var rows: [Row] = []
        var failures: [String] = []
        for name in ["ppm", "ppma", "ppmb", "ppmc", "ppmd"] {
            guard let d = CodecRegistry.ours.named(name) else { continue }
            let codec = d.make(d.defaultLevel)
            var coded = ByteBuffer()
            var bestEnc = Double.infinity, bestDec = Double.infinity
            Measurement.resetPeakMemory()
            let before = Measurement.residentMemory().current
            var ok = true
            for _ in 0..<runs {
                coded = ByteBuffer()
                let t0 = Measurement.now()
                do { try input.withUnsafeBytes { raw in try codec.encode(raw, into: &coded) } } catch { ok = false }
                bestEnc = Swift.min(bestEnc, Measurement.now() - t0)
                var out = ByteBuffer(capacity: input.count)
                let t1 = Measurement.now()
                do { try coded.withUnsafeBytes { raw in try codec.decode(raw, originalCount: input.count, into: &out) } } catch { ok = false }
                bestDec = Swift.min(bestDec, Measurement.now() - t1)
                if out.bytes != input { ok = false }
            }
            let peak = Measurement.residentMemory().peak
            if !ok { failures.append("\(name) -\(d.defaultLevel): round trip failed on \(path)") }
            rows.append(Row(name: "\(name) -\(d.defaultLevel)", codedBytes: coded.count,
                            bitsPerByte: Double(coded.count * 8) / Double(Swift.max(input.count, 1)),
                            compressMBps: mbps(input.count, bestEnc), decompressMBps: mbps(input.count, bestDec),
                            peakMemory: Swift.max(0, peak - Swift.min(before, peak))))
        }
        if system("command -v 7zz > /dev/null 2>&1") == 0 {
            let archive = "/tmp/squeeze-ppm-bench-\(getpid()).7z"
            let restored = "/tmp/squeeze-ppm-bench-\(getpid()).out"
            let tool = ExternalCodec(name: "7zz PPMd o6", compress: "rm -f {out} && 7zz a -bd -y -m0=PPMd:o=6 {out} {in}",
                                     decompress: "7zz e -so {in} > {out}")
            var bestEnc = Double.infinity, bestDec = Double.infinity, peak: Int64 = 0
            var ok = true
            for _ in 0..<runs {
                do {
                    let c = try tool.run(tool.compress, input: path, output: archive)
                    let e = try tool.run(tool.decompress, input: archive, output: restored)
                    bestEnc = Swift.min(bestEnc, c.seconds)
                    bestDec = Swift.min(bestDec, e.seconds)
                    peak = Swift.max(peak, Swift.max(c.peakMemory, e.peakMemory))
                } catch { ok = false }
            }
            let size = readCorpusFile(archive)?.count ?? 0
            if readCorpusFile(restored) != input { ok = false }
            unlink(archive)
            unlink(restored)
            if ok {
                rows.append(Row(name: "7zz PPMd o6 (process)", codedBytes: size, bitsPerByte: Double(size * 8) / Double(Swift.max(input.count, 1)),
                                compressMBps: mbps(input.count, bestEnc), decompressMBps: mbps(input.count, bestDec), peakMemory: peak))
            } else {
                failures.append("7zz PPMd failed on \(path)")
            }
        }
        var s = "PPM on \(path) (\(input.count) bytes); MB/s of raw data, wall time, best of \(runs); "
        s += "peak RSS: growth of this process's high-water mark while coding (7zz: the child's)\n"
        s += pad("coder", 24) + pad("bytes", 9) + pad("bits/byte", 11) + pad("comp MB/s", 11) + pad("decomp MB/s", 13) + "peak RSS MiB\n"
        for r in rows {
            s += pad(r.name, 24) + pad(String(r.codedBytes), 9) + pad(fmt(r.bitsPerByte, 3), 11) + pad(fmt(r.compressMBps, 2), 11)
            s += pad(fmt(r.decompressMBps, 2), 13) + fmt(Double(r.peakMemory) / 1048576, 1) + "\n"
        }
        if let z = rows.first(where: { $0.name.hasPrefix("7zz") }), let p = rows.first {
            s += "ppm/7zz speed: compress \(fmt(p.compressMBps / z.compressMBps, 2))x, decompress \(fmt(p.decompressMBps / z.decompressMBps, 2))x\n"
        } else {
            s += "7zz not on PATH: no 7-Zip PPMd comparison\n"
        }
        for f in failures { s += "FAILED: \(f)\n" }
        return Result(rows: rows, report: s)
    }


    static func fmt(_ x: Double, _ digits: Int) -> String {
        var p = 1.0
        for _ in 0..<digits { p *= 10 }
        return String((x * p).rounded() / p)
    }

}
