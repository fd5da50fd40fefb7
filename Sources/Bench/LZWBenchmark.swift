import SqueezeKit
#if canImport(Glibc)
import Glibc
#endif

/// `lzw` and `lzw-arith` beside the Unix `compress -b16` tool on one file
/// (default corpora/large/bible.txt, run from the repository): size and MB/s
/// (10^6 raw bytes per second of wall time, best of `runs`). The tool is timed
/// as a whole process (`compress -c -b16 FILE > tmp`, `compress -d -c tmp`),
/// so its figures include process start-up, a few milliseconds.
public enum LZWBenchmark {
    public struct Row: Sendable {
        public let name: String
        public let codedBytes: Int
        public let encodeMBps: Double
        public let decodeMBps: Double
    }

    public static func run(path: String = "corpora/large/bible.txt", runs: Int = 3) -> String {
        guard let input = readCorpusFile(path) else { return "cannot read \(path)" }
        var rows: [Row] = []
        for (name, codec) in [("lzw -16", LZWCodec() as any Codec), ("lzw-arith -16", LZWArithCodec() as any Codec)] {
            var coded = ByteBuffer()
            var bestEnc = Double.infinity, bestDec = Double.infinity
            var ok = true
            for _ in 0..<runs {
                coded = ByteBuffer()
                let t0 = now()
                do { try input.withUnsafeBytes { raw in try codec.encode(raw, into: &coded) } } catch { ok = false }
                bestEnc = Swift.min(bestEnc, now() - t0)
                var out = ByteBuffer(capacity: input.count)
                let t1 = now()
                do { try coded.withUnsafeBytes { raw in try codec.decode(raw, originalCount: input.count, into: &out) } } catch { ok = false }
                bestDec = Swift.min(bestDec, now() - t1)
                if out.count != input.count { ok = false }
            }
            if !ok { return "\(name): round trip failed on \(path)" }
            rows.append(Row(name: name, codedBytes: coded.count, encodeMBps: mbps(input.count, bestEnc), decodeMBps: mbps(input.count, bestDec)))
        }
        let tmp = "/tmp/squeeze-lzw-bench-\(getpid()).Z"
        if system("command -v compress > /dev/null 2>&1") == 0 {
            var bestEnc = Double.infinity, bestDec = Double.infinity
            for _ in 0..<runs {
                let t0 = now()
                _ = system("compress -c -b16 '\(path)' > '\(tmp)'")
                bestEnc = Swift.min(bestEnc, now() - t0)
                let t1 = now()
                _ = system("compress -d -c '\(tmp)' > /dev/null")
                bestDec = Swift.min(bestDec, now() - t1)
            }
            let size = readCorpusFile(tmp)?.count ?? 0
            unlink(tmp)
            rows.append(Row(name: "compress -b16 (process)", codedBytes: size, encodeMBps: mbps(input.count, bestEnc), decodeMBps: mbps(input.count, bestDec)))
        }
        var s = "LZW on \(path) (\(input.count) bytes); MB/s of raw data, wall time, best of \(runs)\n"
        s += pad("coder", 26) + pad("bytes", 10) + pad("enc MB/s", 10) + pad("dec MB/s", 10) + "\n"
        for r in rows {
            s += pad(r.name, 26) + pad(String(r.codedBytes), 10) + pad(fmt(r.encodeMBps), 10) + pad(fmt(r.decodeMBps), 10) + "\n"
        }
        if let c = rows.first(where: { $0.name.hasPrefix("compress") }), let l = rows.first {
            s += "lzw/compress: encode \(fmt(l.encodeMBps / c.encodeMBps))x, decode \(fmt(l.decodeMBps / c.decodeMBps))x\n"
        }
        return s
    }

    static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }

    static func mbps(_ bytes: Int, _ seconds: Double) -> Double { Double(bytes) / 1e6 / Swift.max(seconds, 1e-9) }

    static func fmt(_ x: Double) -> String {
        let r = (x * 100).rounded() / 100
        return String(r)
    }

    static func pad(_ s: String, _ w: Int) -> String { s.count >= w ? s + " " : s + String(repeating: " ", count: w - s.count) }

}
