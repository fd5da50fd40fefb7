import SqueezeKit
import CZlib
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Speed of the entropy coders beside zlib on the same file, and (optionally)
/// bits per byte of `huffman` and `arith` on the bundled corpora.
///
/// Throughput is MB/s (10^6 bytes) of uncompressed data, thread CPU time,
/// best of `runs` runs; zlib is called directly (`compress2` level 6 and
/// `uncompress`) as the system baseline.
public enum EntropyBenchmark {
    public struct SpeedRow: Sendable {
        public let name: String
        public let codedBytes: Int
        public let encodeMBps: Double
        public let decodeMBps: Double
    }

    public struct RatioRow: Sendable {
        public let codec: String
        public let level: Int
        /// Bits per input byte over each corpus group (Canterbury, Calgary-14, large).
        public let bitsPerByte: [Double]
    }

    public struct Report: Sendable, CustomStringConvertible {
        public let file: String
        public let inputBytes: Int
        public let speeds: [SpeedRow]
        public let ratioGroups: [String]
        public let ratios: [RatioRow]

        public var description: String {
            var s = "Entropy coders on \(file) (\(inputBytes) bytes); MB/s of raw data, thread CPU time, best of runs\n"
            s += cell("coder", 22) + cell("bits/byte", 11) + cell("enc MB/s", 10) + cell("dec MB/s", 10) + "\n"
            for r in speeds {
                s += cell(r.name, 22) + cell(fixed(Double(r.codedBytes) * 8 / Double(max(1, inputBytes)), 3), 11)
                s += cell(fixed(r.encodeMBps, 1), 10) + cell(fixed(r.decodeMBps, 1), 10) + "\n"
            }
            if let z = speeds.first(where: { $0.name.hasPrefix("zlib") }),
               let h = speeds.first(where: { $0.name.hasPrefix("huffman") }) {
                s += "huffman/zlib-6: encode \(fixed(h.encodeMBps / z.encodeMBps, 2))x, decode \(fixed(h.decodeMBps / z.decodeMBps, 2))x\n"
            }
            if !ratios.isEmpty {
                s += "\nbits/byte (total coded bits / total bytes per group; whole file as one block)\n"
                s += cell("codec", 14) + ratioGroups.map { cell($0, 13) }.joined() + "\n"
                for r in ratios {
                    s += cell("\(r.codec) -\(r.level)", 14) + r.bitsPerByte.map { cell(fixed($0, 3), 13) }.joined() + "\n"
                }
            }
            return s
        }
    }

    /// Runs the benchmark on `path` (default: the bundled large/bible.txt);
    /// `ratios` adds the corpus table (slow: codes every corpus file at every level).
    public static func run(path: String? = nil, runs: Int = 3, ratios: Bool = true) throws(BenchError) -> Report {
        let root = try CorpusLocation.root(containing: corpusFiles.flatMap { $0 })
        let file = path ?? root + "/large/bible.txt"
        let data = try CorpusLocation.read(file)
        var speeds: [SpeedRow] = []
        speeds.append(zlibRow(data, runs: runs))
        for level in [1, 2, 3] {
            speeds.append(codecRow("huffman -\(level)", HuffmanCodec(level: level), data, runs: runs))
        }
        for level in [0, 1, 2] {
            speeds.append(codecRow("arith -\(level) (order \(level))", ArithCodec(level: level), data, runs: runs))
        }
        speeds.append(codecRow("arith -3 (mix 0-3)", ArithCodec(level: 3), data, runs: 1))
        var rows: [RatioRow] = []
        let groups = ["canterbury", "calgary-14", "large"]
        if ratios {
            let sets = corpusFiles.map { $0.map { root + "/" + $0 } }
            let configs: [(String, Int, any Codec)] =
                [1, 2, 3].map { ("huffman", $0, HuffmanCodec(level: $0) as any Codec) }
                + [0, 1, 2, 3, 4].map { ("arith", $0, ArithCodec(level: $0) as any Codec) }
            for (name, level, codec) in configs {
                var bpb: [Double] = []
                for files in sets {
                    var inBytes = 0, outBytes = 0
                    for f in files {
                        guard let d = readCorpusFile(f) else { continue }
                        inBytes += d.count
                        outBytes += encodedSize(codec, d)
                    }
                    bpb.append(inBytes == 0 ? 0 : Double(outBytes) * 8 / Double(inBytes))
                }
                rows.append(RatioRow(codec: name, level: level, bitsPerByte: bpb))
            }
        }
        return Report(file: file, inputBytes: data.count, speeds: speeds, ratioGroups: groups, ratios: rows)
    }

    static func encodedSize(_ codec: any Codec, _ data: [UInt8]) -> Int {
        var out = ByteBuffer(capacity: data.count + 64)
        do { try data.withUnsafeBytes { raw in try codec.encode(raw, into: &out) } } catch { return 0 }
        return out.count
    }

    static func codecRow(_ name: String, _ codec: any Codec, _ data: [UInt8], runs: Int) -> SpeedRow {
        var coded = ByteBuffer()
        var bestEnc = Double.infinity, bestDec = Double.infinity
        for _ in 0..<max(1, runs) {
            var out = ByteBuffer(capacity: data.count + 1024)
            let t0 = cpuSeconds()
            do { try data.withUnsafeBytes { raw in try codec.encode(raw, into: &out) } } catch { return SpeedRow(name: name + " FAILED", codedBytes: 0, encodeMBps: 0, decodeMBps: 0) }
            bestEnc = min(bestEnc, cpuSeconds() - t0)
            coded = out
        }
        var ok = true
        for _ in 0..<max(1, runs) {
            var back = ByteBuffer(capacity: data.count)
            let t0 = cpuSeconds()
            do { try coded.withUnsafeBytes { raw in try codec.decode(raw, originalCount: data.count, into: &back) } } catch { ok = false }
            bestDec = min(bestDec, cpuSeconds() - t0)
            if back.count != data.count || back.bytes != data { ok = false }
        }
        let mb = Double(data.count) / 1e6
        return SpeedRow(name: ok ? name : name + " MISMATCH", codedBytes: coded.count,
                        encodeMBps: mb / bestEnc, decodeMBps: mb / bestDec)
    }

    static func zlibRow(_ data: [UInt8], runs: Int) -> SpeedRow {
        let bound = Int(compressBound(uLong(data.count)))
        var coded = [UInt8](repeating: 0, count: bound)
        var codedCount = 0
        var bestEnc = Double.infinity, bestDec = Double.infinity
        for _ in 0..<max(1, runs) {
            var destLen = uLongf(bound)
            let t0 = cpuSeconds()
            _ = coded.withUnsafeMutableBufferPointer { dst in
                data.withUnsafeBufferPointer { src in
                    compress2(dst.baseAddress, &destLen, src.baseAddress, uLong(data.count), 6)
                }
            }
            bestEnc = min(bestEnc, cpuSeconds() - t0)
            codedCount = Int(destLen)
        }
        var back = [UInt8](repeating: 0, count: data.count)
        for _ in 0..<max(1, runs) {
            var destLen = uLongf(data.count)
            let t0 = cpuSeconds()
            _ = back.withUnsafeMutableBufferPointer { dst in
                coded.withUnsafeBufferPointer { src in
                    uncompress(dst.baseAddress, &destLen, src.baseAddress, uLong(codedCount))
                }
            }
            bestDec = min(bestDec, cpuSeconds() - t0)
        }
        let mb = Double(data.count) / 1e6
        return SpeedRow(name: back == data ? "zlib -6" : "zlib -6 MISMATCH", codedBytes: codedCount,
                        encodeMBps: mb / bestEnc, decodeMBps: mb / bestDec)
    }

    static func cpuSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// The three groups' files below the corpora directory.
    static let corpusFiles: [[String]] = [
        BaselineSizes.canterbury.map { "canterbury/" + $0 }, BaselineSizes.calgary14.map { "calgary/" + $0 },
        ["bible.txt", "world192.txt", "E.coli"].map { "large/" + $0 },
    ]


    static func syntheticText(_ n: Int) -> [UInt8] {
        let words = ["the ", "of ", "and ", "to ", "in ", "a ", "is ", "that ", "for ", "it ", "with ", "as ", "was ", "on "]
        var state: UInt64 = 12345
        var out: [UInt8] = []
        out.reserveCapacity(n)
        while out.count < n {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            out.append(contentsOf: words[Int(state >> 60) % words.count].utf8)
        }
        return Array(out.prefix(n))
    }
}

private func cell(_ s: String, _ w: Int) -> String {
    s.count >= w ? s + " " : s + String(repeating: " ", count: w - s.count)
}

private func fixed(_ x: Double, _ digits: Int) -> String {
    guard x.isFinite else { return "-" }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let v = (x * scale).rounded() / scale
    return digits == 0 ? String(Int(v)) : String(v)
}
