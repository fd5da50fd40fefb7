import SqueezeKit
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `squeeze bench fast`: the ANS coders beside our `huffman -1` in the same
/// run, single thread, in memory (issue 24's targets: `ans` encodes at least
/// as fast as `huffman -1` and decodes at least 1.5× as fast on bible.txt, and
/// codes smaller than Huffman on every corpus file whose H0 is below 2 bits/byte).
///
/// Speeds are MB/s of raw data, thread CPU time, best of `runs`; each file is
/// coded whole, as one block, by `Codec.encode` (no container).
public enum FastBenchmark {
    public struct SizeRow: Sendable {
        public let file: String
        public let bytes: Int
        public let h0: Double
        public let ans: Int
        public let huffman: Int
    }

    public struct Report: Sendable, CustomStringConvertible {
        public let file: String
        public let inputBytes: Int
        public let speeds: [EntropyBenchmark.SpeedRow]
        public let lowEntropy: [SizeRow]
        public let allFiles: (bytes: Int, ans: Int, huffman: Int, count: Int)
        public let lz: LZReport

        public var description: String {
            var s = "ANS and Huffman on \(file) (\(inputBytes) bytes); MB/s of raw data, thread CPU time, best of runs, one thread, in memory\n"
            s += pad("coder", 30) + pad("bytes", 11) + pad("bits/byte", 11) + pad("enc MB/s", 10) + pad("dec MB/s", 10) + "\n"
            for r in speeds {
                s += pad(r.name, 30) + pad(String(r.codedBytes), 11)
                s += pad(fmt(Double(r.codedBytes) * 8 / Double(max(1, inputBytes)), 3), 11)
                s += pad(fmt(r.encodeMBps, 1), 10) + pad(fmt(r.decodeMBps, 1), 10) + "\n"
            }
            if let h = speeds.first(where: { $0.name.hasPrefix("huffman -1") }),
               let a = speeds.first(where: { $0.name.hasPrefix("ans -3") }) {
                let e = a.encodeMBps / h.encodeMBps, d = a.decodeMBps / h.decodeMBps
                s += "ans -3 / huffman -1: encode \(fmt(e, 2))x (target 1.0x: \(e >= 1 ? "met" : "not met")), "
                s += "decode \(fmt(d, 2))x (target 1.5x: \(d >= 1.5 ? "met" : "not met"))\n"
            }
            s += "\nCorpus files with H0 < 2 bits/byte, whole file as one block (ans -3 vs huffman -1)\n"
            s += pad("file", 24) + pad("bytes", 10) + pad("H0 b/B", 8) + pad("n*H0/8", 10) + pad("ans", 10) + pad("huffman", 10) + "ans smaller\n"
            var tb = 0, ta = 0, th = 0, tH = 0.0
            for r in lowEntropy {
                s += pad(r.file, 24) + pad(String(r.bytes), 10) + pad(fmt(r.h0, 3), 8) + pad(String(Int(r.h0 * Double(r.bytes) / 8)), 10)
                s += pad(String(r.ans), 10) + pad(String(r.huffman), 10) + (r.ans < r.huffman ? "yes" : "NO") + "\n"
                tb += r.bytes; ta += r.ans; th += r.huffman; tH += r.h0 * Double(r.bytes) / 8
            }
            s += pad("total", 24) + pad(String(tb), 10) + pad("", 8) + pad(String(Int(tH)), 10) + pad(String(ta), 10) + pad(String(th), 10)
            s += (ta < th ? "yes" : "NO") + "\n"
            s += "All \(allFiles.count) corpus files (\(allFiles.bytes) bytes): ans -3 \(allFiles.ans), huffman -1 \(allFiles.huffman)\n"
            return s + "\n" + lz.description
        }
    }

    public static func run(path: String? = nil, runs: Int = 5) throws(BenchError) -> Report {
        let root = try CorpusLocation.root(containing: ["large/bible.txt"])
        let file = path ?? root + "/large/bible.txt"
        let data = try CorpusLocation.read(file)
        var speeds: [EntropyBenchmark.SpeedRow] = []
        speeds.append(EntropyBenchmark.codecRow("huffman -1", HuffmanCodec(level: 1), data, runs: runs))
        let variants = ["tANS >= 2^10", "tANS >= 2^11", "tANS >= 2^12", "rANS x4, 2^15", "adaptive rANS"]
        for level in 1...5 {
            speeds.append(EntropyBenchmark.codecRow("ans -\(level) (\(variants[level - 1]))", ANSCodec(level: level), data,
                                                   runs: level == 5 ? 1 : runs))
        }
        speeds.append(EntropyBenchmark.codecRow("arith -0 (adaptive order 0)", ArithCodec(level: 0), data, runs: 1))
        // Sizes on every corpus file; the low-entropy ones listed.
        var low: [SizeRow] = []
        var all = (bytes: 0, ans: 0, huffman: 0, count: 0)
        for set in ["canterbury", "calgary", "large", "artificial", "misc"] {
            let dir = root + "/" + set
            guard let names = try? listDirectory(dir) else { continue }
            for name in names.sorted() {
                guard let d = readCorpusFile(dir + "/" + name), !d.isEmpty else { continue }
                let a = EntropyBenchmark.encodedSize(ANSCodec(level: 3), d)
                let h = EntropyBenchmark.encodedSize(HuffmanCodec(level: 1), d)
                all.bytes += d.count; all.ans += a; all.huffman += h; all.count += 1
                let h0 = order0Entropy(d)
                if h0 < 2 { low.append(SizeRow(file: set + "/" + name, bytes: d.count, h0: h0, ans: a, huffman: h)) }
            }
        }
        return Report(file: file, inputBytes: data.count, speeds: speeds, lowEntropy: low, allFiles: all,
                      lz: try runLZ(path: path, runs: runs))
    }

    /// lzfast beside zstd -1 and -3 (system libzstd, same run): sizes and
    /// speeds on one file, then totals over the Canterbury, Calgary and large sets.
    public struct LZReport: Sendable, CustomStringConvertible {
        public struct Total: Sendable {
            public let set: String
            public let name: String
            public let bytes: Int
            public let coded: Int
            public let encodeSeconds: Double
            public let decodeSeconds: Double
        }
        public let file: String
        public let inputBytes: Int
        public let speeds: [EntropyBenchmark.SpeedRow]
        public let totals: [Total]

        public var description: String {
            var s = "lzfast beside zstd on \(file) (\(inputBytes) bytes); MB/s of raw data, thread CPU time, best of runs, one thread, in memory\n"
            s += pad("codec", 16) + pad("bytes", 11) + pad("ratio", 8) + pad("enc MB/s", 10) + pad("dec MB/s", 10) + "\n"
            for r in speeds {
                s += pad(r.name, 16) + pad(String(r.codedBytes), 11) + pad(fmt(Double(inputBytes) / Double(max(1, r.codedBytes)), 3), 8)
                s += pad(fmt(r.encodeMBps, 1), 10) + pad(fmt(r.decodeMBps, 1), 10) + "\n"
            }
            s += "\nTotals per corpus set (each file one block; MB/s = set bytes / summed best times)\n"
            s += pad("set", 12) + pad("codec", 14) + pad("bytes", 11) + pad("coded", 11) + pad("enc MB/s", 10) + pad("dec MB/s", 10) + "\n"
            for t in totals {
                s += pad(t.set, 12) + pad(t.name, 14) + pad(String(t.bytes), 11) + pad(String(t.coded), 11)
                s += pad(fmt(Double(t.bytes) / 1e6 / t.encodeSeconds, 1), 10) + pad(fmt(Double(t.bytes) / 1e6 / t.decodeSeconds, 1), 10) + "\n"
            }
            // The targets: fastest level against zstd -1, default against zstd -3.
            for (ours, theirs) in [("lzfast -1", "zstd -1"), ("lzfast -3", "zstd -3")] {
                for set in Set(totals.map(\.set)).sorted() {
                    guard let a = totals.first(where: { $0.set == set && $0.name == ours }),
                          let b = totals.first(where: { $0.set == set && $0.name == theirs }) else { continue }
                    let e = b.encodeSeconds / a.encodeSeconds, d = b.decodeSeconds / a.decodeSeconds
                    s += "\(ours) / \(theirs) on \(set): size \(fmt(Double(a.coded) / Double(b.coded), 3))x, "
                    s += "encode \(fmt(e, 2))x, decode \(fmt(d, 2))x: "
                    s += (a.coded <= b.coded && e >= 1 && d >= 1) ? "met\n" : "not met\n"
                }
            }
            return s
        }
    }

    public static func runLZ(path: String? = nil, runs: Int = 5) throws(BenchError) -> LZReport {
        let root = try CorpusLocation.root(containing: ["large/bible.txt"])
        let file = path ?? root + "/large/bible.txt"
        let data = try CorpusLocation.read(file)
        let codecs: [(String, any Codec)] = [("zstd -1", ZstdCodec(level: 1)), ("zstd -3", ZstdCodec(level: 3))]
            + (1...9).map { ("lzfast -\($0)", LZFastCodec(level: $0) as any Codec) }
        var speeds: [EntropyBenchmark.SpeedRow] = []
        for (name, c) in codecs { speeds.append(EntropyBenchmark.codecRow(name, c, data, runs: runs)) }
        var totals: [LZReport.Total] = []
        for set in ["canterbury", "calgary", "large"] {
            let dir = root + "/" + set
            guard let names = try? listDirectory(dir) else { continue }
            let files = names.sorted().compactMap { readCorpusFile(dir + "/" + $0) }.filter { !$0.isEmpty }
            for (name, c) in codecs where name.hasPrefix("zstd") || name == "lzfast -1" || name == "lzfast -3" {
                var bytes = 0, coded = 0, enc = 0.0, dec = 0.0
                for d in files {
                    let r = EntropyBenchmark.codecRow(name, c, d, runs: max(1, runs - 2))
                    let mb = Double(d.count) / 1e6
                    bytes += d.count; coded += r.codedBytes
                    enc += mb / r.encodeMBps; dec += mb / r.decodeMBps
                }
                totals.append(LZReport.Total(set: set, name: name, bytes: bytes, coded: coded, encodeSeconds: enc, decodeSeconds: dec))
            }
        }
        return LZReport(file: file, inputBytes: data.count, speeds: speeds, totals: totals)
    }

    /// `squeeze bench fast-lz-files`: per-file sizes of lzfast -1 and -3 beside
    /// zstd -1 and -3 (one encode each, no timing), to see which files make a
    /// set's total larger than zstd's.
    public static func lzFileSizes() throws(BenchError) -> String {
        let root = try CorpusLocation.root(containing: ["large/bible.txt"])
        let codecs: [(String, any Codec)] = [("zstd -1", ZstdCodec(level: 1)), ("lzfast -1", LZFastCodec(level: 1)),
                                             ("zstd -3", ZstdCodec(level: 3)), ("lzfast -3", LZFastCodec(level: 3))]
        var s = pad("file", 26) + pad("bytes", 10) + codecs.map { pad($0.0, 11) }.joined() + pad("-1 diff", 9) + "-3 diff\n"
        for set in ["canterbury", "calgary", "large"] {
            let dir = root + "/" + set
            guard let names = try? listDirectory(dir) else { continue }
            var total = [Int](repeating: 0, count: codecs.count), bytes = 0
            for name in names.sorted() {
                guard let d = readCorpusFile(dir + "/" + name), !d.isEmpty else { continue }
                let sizes = codecs.map { EntropyBenchmark.encodedSize($0.1, d) }
                for i in sizes.indices { total[i] += sizes[i] }
                bytes += d.count
                s += pad(set + "/" + name, 26) + pad(String(d.count), 10) + sizes.map { pad(String($0), 11) }.joined()
                s += pad(String(sizes[1] - sizes[0]), 9) + String(sizes[3] - sizes[2]) + "\n"
            }
            s += pad(set + " total", 26) + pad(String(bytes), 10) + total.map { pad(String($0), 11) }.joined()
            s += pad(String(total[1] - total[0]), 9) + String(total[3] - total[2]) + "\n"
        }
        return s
    }

    static func order0Entropy(_ d: [UInt8]) -> Double {
        let h = d.withUnsafeBytes { ByteHistogram.counts($0) }
        let n = Double(d.count)
        var bits = 0.0
        for c in h where c > 0 { bits -= Double(c) * log2(Double(c) / n) }
        return bits / n
    }

    static func listDirectory(_ path: String) throws -> [String] {
        guard let dir = opendir(path) else { throw BenchError("cannot list \(path)") }
        defer { closedir(dir) }
        var names: [String] = []
        while let e = readdir(dir) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if !name.hasPrefix(".") && name != "README.md" && name != "MANIFEST.tsv" { names.append(name) }
        }
        return names
    }
}
