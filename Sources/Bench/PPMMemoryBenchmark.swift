import SqueezeKit
#if canImport(Glibc)
import Glibc
#endif

/// `squeeze bench ppm-memory` (issue 22, "PPM memory"): 16 MiB of text that
/// repeats every 4 MiB — the 4 MiB period is large/bible.txt followed by the
/// start of large/world192.txt — coded by `ppm -9` (order 16) whose 256 MiB
/// pool fills on it. Rows: the restarting policy of the first format, the
/// frozen pool the encoder writes now, `--mem 1G` (the pool never fills), and
/// 7-Zip's PPMd at order 16 with 256 MB (`7zz a -m0=PPMd:o=16:mem=256m`, a
/// whole process, which restarts its model when memory runs out) where `7zz`
/// is installed. Every ppm row is checked by decoding it.
public enum PPMMemoryBenchmark {
    public struct Row: Sendable {
        public let name: String
        /// Coded bytes, or nil when the coder is not installed.
        public let codedBytes: Int?
        public let compressMBps: Double
        public let decompressMBps: Double
        /// How often the pool filled (restarts, or 1 when it froze); -1 for 7zz.
        public let fills: Int
    }

    public static let period = 4 << 20
    public static let copies = 4

    /// The benchmark's input: the 4 MiB period copied `copies` times.
    public static func input() throws(BenchError) -> [UInt8] {
        let root = try CorpusLocation.root(containing: ["large/bible.txt", "large/world192.txt"])
        var one = try CorpusLocation.read(root + "/large/bible.txt")
        one += try CorpusLocation.read(root + "/large/world192.txt")
        one = Array(one.prefix(period))
        var all: [UInt8] = []
        all.reserveCapacity(period * copies)
        for _ in 0..<copies { all += one }
        return all
    }

    public static func run(runs: Int = 1) throws(BenchError) -> (rows: [Row], report: String) {
        let data = try input()
        var rows: [Row] = []
        var failures: [String] = []
        let configurations: [(String, PPMCodec)] = [
            ("ppm -9, restart (old)", PPMCodec(order: 16, memoryLimit: 256 << 20, variant: .strong, policy: .restart)),
            ("ppm -9 (frozen pool)", PPMCodec(order: 16, memoryLimit: 256 << 20, variant: .strong)),
            ("ppm -9 --mem 1G", PPMCodec(order: 16, memoryLimit: 1 << 30, variant: .strong)),
        ]
        for (name, codec) in configurations {
            var coded = ByteBuffer()
            var fills = 0
            var bestEnc = Double.infinity, bestDec = Double.infinity
            for _ in 0..<Swift.max(runs, 1) {
                coded = ByteBuffer()
                let t0 = Measurement.now()
                do {
                    fills = try data.withUnsafeBytes { raw in try codec.encodeCountingRestarts(raw, into: &coded) }
                } catch { failures.append("\(name): \(error)") }
                bestEnc = Swift.min(bestEnc, Measurement.now() - t0)
                var out = ByteBuffer(capacity: data.count)
                let t1 = Measurement.now()
                do {
                    try coded.withUnsafeBytes { raw in try codec.decode(raw, originalCount: data.count, into: &out) }
                } catch { failures.append("\(name): decode: \(error)") }
                bestDec = Swift.min(bestDec, Measurement.now() - t1)
                if out.bytes != data { failures.append("\(name): the round trip differs") }
            }
            rows.append(Row(name: name, codedBytes: coded.count, compressMBps: mbps(data.count, bestEnc),
                            decompressMBps: mbps(data.count, bestDec), fills: fills))
        }
        rows.append(sevenZip(data, runs: runs, failures: &failures))

        var s = "PPM memory: \(data.count) bytes = \(copies) copies of a \(period)-byte period "
        s += "(large/bible.txt, then the start of large/world192.txt); MB/s of raw data, wall time, best of \(runs)\n"
        s += pad("coder", 26) + pad("bytes", 11) + pad("comp MB/s", 11) + pad("decomp MB/s", 13) + "pool fills\n"
        for r in rows {
            s += pad(r.name, 26) + pad(r.codedBytes.map(String.init) ?? "not installed", 11)
            s += pad(r.codedBytes == nil ? "-" : PPMBenchmark.fmt(r.compressMBps, 2), 11)
            s += pad(r.codedBytes == nil ? "-" : PPMBenchmark.fmt(r.decompressMBps, 2), 13)
            s += (r.fills < 0 ? "-" : String(r.fills)) + "\n"
        }
        if let z = rows.last?.codedBytes, let ours = rows[1].codedBytes {
            s += "ppm -9 (frozen) / 7zz PPMd o16 256m: \(PPMBenchmark.fmt(Double(ours) / Double(z), 3))x the bytes\n"
        }
        for f in failures { s += "FAILED: \(f)\n" }
        return (rows, s)
    }

    /// 7-Zip's PPMd o16 with 256 MB on the same input, or a "not installed" row.
    static func sevenZip(_ data: [UInt8], runs: Int, failures: inout [String]) -> Row {
        let name = "7zz PPMd o16 256m"
        guard ChildProcess.isInstalled("7zz") else {
            return Row(name: name, codedBytes: nil, compressMBps: 0, decompressMBps: 0, fills: -1)
        }
        let file = "/tmp/squeeze-ppm-memory-\(getpid())"
        defer { unlink(file); unlink(file + ".7z"); unlink(file + ".out") }
        let fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else {
            failures.append("\(name): cannot write \(file)")
            return Row(name: name, codedBytes: nil, compressMBps: 0, decompressMBps: 0, fills: -1)
        }
        _ = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        let tool = ExternalCodec(name: name, compress: "rm -f {out} && 7zz a -bd -y -m0=PPMd:o=16:mem=256m {out} {in}",
                                 decompress: "7zz e -so {in} > {out}", timeout: 900)
        var bestEnc = Double.infinity, bestDec = Double.infinity
        for _ in 0..<Swift.max(runs, 1) {
            do {
                bestEnc = Swift.min(bestEnc, try tool.run(tool.compress, input: file, output: file + ".7z").seconds)
                bestDec = Swift.min(bestDec, try tool.run(tool.decompress, input: file + ".7z", output: file + ".out").seconds)
            } catch { failures.append("\(name): \(error)") }
        }
        let size = readCorpusFile(file + ".7z")?.count ?? 0
        if readCorpusFile(file + ".out") != data { failures.append("\(name): the round trip differs") }
        return Row(name: name, codedBytes: size, compressMBps: mbps(data.count, bestEnc),
                   decompressMBps: mbps(data.count, bestDec), fills: -1)
    }
}
