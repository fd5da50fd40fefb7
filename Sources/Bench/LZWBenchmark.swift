import SqueezeKit
#if canImport(Glibc)
import Glibc
#endif

/// `lzw` and `lzw-arith` beside the Unix `compress -b16` tool (ncompress) on
/// one file (default large/bible.txt of the corpora found by `CorpusLocation`).
///
/// Times are CPU seconds, not wall time, because the machine is shared: ours
/// from this thread's CPU clock around `encode`/`decode` on the file in
/// memory; `compress`'s from the child's rusage (user + system, from `wait4`)
/// of `compress -c -b16 < FILE > tmp` and `compress -d -c < tmp > /dev/null`,
/// started directly (no shell), so it includes the tool's start-up and its
/// reads and writes — a few milliseconds. The runs alternate ours and theirs,
/// and each speed ratio is compress CPU / our CPU (above 1: `lzw` is faster),
/// from the least times over the runs (other processes only ever add time:
/// cache and core sharing) and, as a check, the median of per-run ratios.
public enum LZWBenchmark {
    public struct Row: Sendable {
        public let name: String
        public let codedBytes: Int
        /// Least CPU seconds over the runs (interference only ever adds time).
        public let encodeSeconds: Double
        public let decodeSeconds: Double
        /// Median CPU seconds.
        public let encodeMedian: Double
        public let decodeMedian: Double
    }

    public struct Figures: Sendable {
        public let path: String
        public let inputBytes: Int
        public let runs: Int
        public let rows: [Row]
        /// compress CPU / lzw CPU, least times over the runs (nil without `compress`).
        public let encodeRatio: Double?
        public let decodeRatio: Double?
        /// Median over runs of the per-run ratio (both timed within the same minute).
        public let encodeRatioMedian: Double?
        public let decodeRatioMedian: Double?
    }

    /// `path` nil: large/bible.txt from the corpora (`CorpusLocation`).
    public static func run(path: String? = nil, runs: Int = 9) throws(BenchError) -> String {
        switch measure(path: try CorpusLocation.file("large/bible.txt", unless: path), runs: runs) {
        case .failure(let why): throw BenchError(why.description)
        case .success(let r): return report(r)
        }
    }

    public struct Failure: Error, CustomStringConvertible { public let description: String }

    public static func measure(path: String, runs: Int = 9) -> Result<Figures, Failure> {
        guard let input = readCorpusFile(path) else { return .failure(Failure(description: "cannot read \(path)")) }
        let codecs: [(String, any Codec)] = [("lzw -16", LZWCodec()), ("lzw-arith -16", LZWArithCodec())]
        var enc = [[Double]](repeating: [], count: codecs.count + 1)
        var dec = enc
        var sizes = [Int](repeating: 0, count: codecs.count + 1)
        let tmp = "/tmp/squeeze-lzw-bench-\(getpid()).Z"
        let haveCompress = ChildProcess.isInstalled("compress")
        defer { unlink(tmp) }
        for _ in 0..<max(1, runs) {
            for (i, (name, codec)) in codecs.enumerated() {
                var coded = ByteBuffer()
                let t0 = cpuNow()
                do { try input.withUnsafeBytes { raw in try codec.encode(raw, into: &coded) } } catch {
                    return .failure(Failure(description: "\(name): encode failed: \(error)"))
                }
                enc[i].append(cpuNow() - t0)
                var out = ByteBuffer(capacity: input.count)
                let t1 = cpuNow()
                do { try coded.withUnsafeBytes { raw in try codec.decode(raw, originalCount: input.count, into: &out) } } catch {
                    return .failure(Failure(description: "\(name): decode failed: \(error)"))
                }
                dec[i].append(cpuNow() - t1)
                guard out.bytes == input else { return .failure(Failure(description: "\(name): round trip differs on \(path)")) }
                sizes[i] = coded.count
            }
            if haveCompress {
                guard let e = ChildProcess.cpuSeconds(["compress", "-c", "-b16"], stdin: path, stdout: tmp),
                      let d = ChildProcess.cpuSeconds(["compress", "-d", "-c"], stdin: tmp, stdout: "/dev/null") else {
                    return .failure(Failure(description: "compress failed on \(path)"))
                }
                enc[codecs.count].append(e)
                dec[codecs.count].append(d)
                sizes[codecs.count] = readCorpusFile(tmp)?.count ?? 0
            }
        }
        var rows: [Row] = []
        for (i, (name, _)) in codecs.enumerated() {
            rows.append(row(name, sizes[i], enc[i], dec[i]))
        }
        var ratios: [Double?] = [nil, nil, nil, nil]
        if haveCompress {
            let c = codecs.count
            rows.append(row("compress -b16 (process)", sizes[c], enc[c], dec[c]))
            ratios = [rows[c].encodeSeconds / Swift.max(rows[0].encodeSeconds, 1e-9),
                      rows[c].decodeSeconds / Swift.max(rows[0].decodeSeconds, 1e-9),
                      Measurement.median(zip(enc[c], enc[0]).map { $0 / Swift.max($1, 1e-9) }),
                      Measurement.median(zip(dec[c], dec[0]).map { $0 / Swift.max($1, 1e-9) })]
        }
        return .success(Figures(path: path, inputBytes: input.count, runs: runs, rows: rows, encodeRatio: ratios[0], decodeRatio: ratios[1],
                                encodeRatioMedian: ratios[2], decodeRatioMedian: ratios[3]))
    }

    static func row(_ name: String, _ size: Int, _ enc: [Double], _ dec: [Double]) -> Row {
        Row(name: name, codedBytes: size, encodeSeconds: enc.min() ?? 0, decodeSeconds: dec.min() ?? 0,
            encodeMedian: Measurement.median(enc), decodeMedian: Measurement.median(dec))
    }

    public static func report(_ r: Figures) -> String {
        var s = "LZW on \(r.path) (\(r.inputBytes) bytes); CPU time over \(English.count(r.runs, "alternating run")): least (median); MB/s = 10^6 raw bytes per least CPU second\n"
        s += pad("coder", 26) + pad("bytes", 10) + pad("enc ms", 17) + pad("dec ms", 17) + pad("enc MB/s", 10) + pad("dec MB/s", 10) + "\n"
        for row in r.rows {
            s += pad(row.name, 26) + pad(String(row.codedBytes), 10)
            s += pad(fmt(row.encodeSeconds * 1000) + " (" + fmt(row.encodeMedian * 1000) + ")", 17)
            s += pad(fmt(row.decodeSeconds * 1000) + " (" + fmt(row.decodeMedian * 1000) + ")", 17)
            s += pad(fmt(mbps(r.inputBytes, row.encodeSeconds)), 10) + pad(fmt(mbps(r.inputBytes, row.decodeSeconds)), 10) + "\n"
        }
        if let e = r.encodeRatio, let d = r.decodeRatio, let em = r.encodeRatioMedian, let dm = r.decodeRatioMedian {
            s += "lzw speed / compress speed (compress CPU / lzw CPU): encode \(fmt(e))x, decode \(fmt(d))x from least times;"
            s += " median of per-run ratios: encode \(fmt(em))x, decode \(fmt(dm))x\n"
        } else {
            s += "compress not found (apt-get install ncompress): no speed ratio\n"
        }
        return s
    }

    /// CPU seconds used by this thread.
    static func cpuNow() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }

    static func fmt(_ x: Double) -> String {
        let r = (x * 100).rounded() / 100
        return String(r)
    }

}
