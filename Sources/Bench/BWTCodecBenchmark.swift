import SqueezeKit
#if canImport(Glibc)
import Glibc
#endif

/// `bwt-huffman` and `bwt` beside bzip2 -9 (system libbz2) in the same run:
/// coded size and MB/s (10^6 raw bytes per second of wall time, best of
/// `runs`) on one file (default corpora/large/bible.txt, run from the
/// repository), each codec called on the whole file at its default level,
/// then sizes in bits/byte on the Calgary 14-file set, Canterbury and the
/// large files.
public enum BWTCodecBenchmark {
    public struct Row: Sendable {
        public let name: String
        public let codedBytes: Int
        public let encodeMBps: Double
        public let decodeMBps: Double
        /// The same from this thread's CPU time, steadier than wall time on a busy machine.
        public let encodeCPUMBps: Double
        public let decodeCPUMBps: Double
    }

    /// CPU seconds of the calling thread (the codecs, bzip2 included, run on it).
    static func cpuNow() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }

    static func candidates() -> [(String, any Codec)] {
        [("bzip2 -9", Bzip2Codec(level: 9)),
         ("bwt-huffman -\(BWTHuffmanCodec.descriptor.defaultLevel)", BWTHuffmanCodec.descriptor.make(BWTHuffmanCodec.descriptor.defaultLevel)),
         ("bwt -\(BWTCodec.descriptor.defaultLevel)", BWTCodec.descriptor.make(BWTCodec.descriptor.defaultLevel))]
    }

    /// Codes `input` in container-sized blocks of `blockSize` bytes, as `squeeze compress` would.
    static func codedSize(_ codec: any Codec, _ input: [UInt8], blockSize: Int) -> Int? {
        var total = 0
        var start = 0
        while start < input.count || (start == 0 && input.isEmpty) {
            let end = Swift.min(input.count, start + blockSize)
            var coded = ByteBuffer()
            do {
                try input.withUnsafeBytes { raw in
                    try codec.encode(UnsafeRawBufferPointer(rebasing: raw[start..<end]), into: &coded)
                }
            } catch { return nil }
            total += coded.count
            start = end
            if input.isEmpty { break }
        }
        return total
    }

    public static func timings(path: String = "corpora/large/bible.txt", runs: Int = 3) -> (rows: [Row], report: String) {
        guard let input = readCorpusFile(path) else { return ([], "cannot read \(path)") }
        var rows: [Row] = []
        for (name, codec) in candidates() {
            var coded = ByteBuffer()
            var bestEnc = Double.infinity, bestDec = Double.infinity
            var cpuEnc = Double.infinity, cpuDec = Double.infinity
            for _ in 0..<runs {
                coded = ByteBuffer()
                let c0 = cpuNow()
                let t0 = Measurement.now()
                do { try input.withUnsafeBytes { raw in try codec.encode(raw, into: &coded) } } catch {
                    return (rows, "\(name): encode failed on \(path): \(error)")
                }
                bestEnc = Swift.min(bestEnc, Measurement.now() - t0)
                cpuEnc = Swift.min(cpuEnc, cpuNow() - c0)
                var out = ByteBuffer(capacity: input.count)
                let c1 = cpuNow()
                let t1 = Measurement.now()
                do { try coded.withUnsafeBytes { raw in try codec.decode(raw, originalCount: input.count, into: &out) } } catch {
                    return (rows, "\(name): decode failed on \(path): \(error)")
                }
                bestDec = Swift.min(bestDec, Measurement.now() - t1)
                cpuDec = Swift.min(cpuDec, cpuNow() - c1)
                guard out.bytes == input else { return (rows, "\(name): round trip changed \(path)") }
            }
            rows.append(Row(name: name, codedBytes: coded.count, encodeMBps: mbps(input.count, bestEnc),
                            decodeMBps: mbps(input.count, bestDec), encodeCPUMBps: mbps(input.count, cpuEnc),
                            decodeCPUMBps: mbps(input.count, cpuDec)))
        }
        var s = "Block sorting on \(path) (\(input.count) bytes, whole file per call); MB/s of raw data, best of \(runs), "
            + "by wall time and by this thread's CPU time\n"
        s += pad("coder", 20) + pad("bytes", 10) + pad("bits/byte", 11) + pad("enc MB/s", 10) + pad("dec MB/s", 10)
            + pad("enc CPU", 10) + pad("dec CPU", 10) + "\n"
        for r in rows {
            s += pad(r.name, 20) + pad(String(r.codedBytes), 10) + pad(fmt(8 * Double(r.codedBytes) / Double(input.count), 3), 11)
                + pad(fmt(r.encodeMBps), 10) + pad(fmt(r.decodeMBps), 10) + pad(fmt(r.encodeCPUMBps), 10) + pad(fmt(r.decodeCPUMBps), 10) + "\n"
        }
        if let b = rows.first {
            for r in rows.dropFirst() {
                s += "\(r.name) / bzip2 -9: size \(fmt(Double(r.codedBytes) / Double(b.codedBytes), 4)), "
                    + "speed wall: encode \(fmt(r.encodeMBps / b.encodeMBps))x, decode \(fmt(r.decodeMBps / b.decodeMBps))x; "
                    + "CPU: encode \(fmt(r.encodeCPUMBps / b.encodeCPUMBps))x, decode \(fmt(r.decodeCPUMBps / b.decodeCPUMBps))x\n"
            }
        }
        return (rows, s)
    }

    /// Coded sizes on the corpus sets (run from the repository), each file in
    /// container blocks of the codec's default block size.
    public static func sizes(root: String = "corpora") -> String {
        let sets: [(String, String, [String])] = [
            ("Calgary-14", "calgary", ["bib", "book1", "book2", "geo", "news", "obj1", "obj2", "paper1", "paper2",
                                       "pic", "progc", "progl", "progp", "trans"]),
            ("Canterbury", "canterbury", ["alice29.txt", "asyoulik.txt", "cp.html", "fields.c", "grammar.lsp",
                                          "kennedy.xls", "lcet10.txt", "plrabn12.txt", "ptt5", "sum", "xargs.1"]),
            ("bible.txt", "large", ["bible.txt"]), ("world192.txt", "large", ["world192.txt"]), ("E.coli", "large", ["E.coli"]),
        ]
        let descriptors = [Bzip2Codec.descriptor, BWTHuffmanCodec.descriptor, BWTCodec.descriptor]
        var s = pad("set", 14) + descriptors.map { pad("\($0.name) -\($0.defaultLevel)", 26) }.joined() + "\n"
        for (label, dir, files) in sets {
            var raw = 0
            var totals = [Int](repeating: 0, count: descriptors.count)
            for f in files {
                guard let bytes = readCorpusFile("\(root)/\(dir)/\(f)") else { return s + "cannot read \(root)/\(dir)/\(f)\n" }
                raw += bytes.count
                for (k, d) in descriptors.enumerated() {
                    guard let n = codedSize(d.make(d.defaultLevel), bytes, blockSize: d.blockSize(d.defaultLevel)) else {
                        return s + "\(d.name) failed on \(f)\n"
                    }
                    totals[k] += n
                }
            }
            s += pad(label, 14) + totals.map { pad("\($0) (\(fmt(8 * Double($0) / Double(raw), 3)) b/B)", 26) }.joined() + "\n"
        }
        return s
    }

    public static func run() -> String {
        timings().report + "\n" + sizes()
    }


    static func fmt(_ x: Double, _ digits: Int = 2) -> String {
        var p = 1.0
        for _ in 0..<digits { p *= 10 }
        return String((x * p).rounded() / p)
    }

}
