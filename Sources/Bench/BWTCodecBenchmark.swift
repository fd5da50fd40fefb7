import SqueezeKit
#if canImport(Glibc)
import Glibc
#endif

/// `bwt-huffman` and `bwt` beside bzip2 -9 (system libbz2) in the same run:
/// coded size and MB/s (10^6 raw bytes per second of wall time, best of
/// `runs`) on one file (default large/bible.txt of the corpora found by `CorpusLocation`, from any
/// repository), each codec called on the whole file at its default level
/// (and `bwt` also at level 5, its fastest model on whole-file blocks, and
/// at level 5 with the run model of payload format 0 that level 5 wrote before),
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
         ("bwt -\(BWTCodec.runModelLevels.upperBound)", BWTCodec.descriptor.make(BWTCodec.runModelLevels.upperBound)),
         ("bwt -\(BWTCodec.runModelLevels.upperBound) fmt 0", BWTCodec(level: BWTCodec.runModelLevels.upperBound, variant: .firstRuns)),
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

    struct MeasureError: Error { let message: String }

    /// Codes `input` with `codec` `runs` times, checks each round trip, and
    /// gives the coded size and the best encode and decode MB/s by wall and by CPU time.
    static func measure(_ name: String, _ codec: any Codec, _ input: [UInt8], runs: Int) -> Result<Row, MeasureError> {
        var coded = ByteBuffer()
        var bestEnc = Double.infinity, bestDec = Double.infinity
        var cpuEnc = Double.infinity, cpuDec = Double.infinity
        for _ in 0..<runs {
            coded = ByteBuffer()
            let c0 = cpuNow()
            let t0 = Measurement.now()
            do { try input.withUnsafeBytes { raw in try codec.encode(raw, into: &coded) } } catch {
                return .failure(MeasureError(message: "\(name): encode failed: \(error)"))
            }
            bestEnc = Swift.min(bestEnc, Measurement.now() - t0)
            cpuEnc = Swift.min(cpuEnc, cpuNow() - c0)
            var out = ByteBuffer(capacity: input.count)
            let c1 = cpuNow()
            let t1 = Measurement.now()
            do { try coded.withUnsafeBytes { raw in try codec.decode(raw, originalCount: input.count, into: &out) } } catch {
                return .failure(MeasureError(message: "\(name): decode failed: \(error)"))
            }
            bestDec = Swift.min(bestDec, Measurement.now() - t1)
            cpuDec = Swift.min(cpuDec, cpuNow() - c1)
            guard out.bytes == input else { return .failure(MeasureError(message: "\(name): round trip changed the input")) }
        }
        return .success(Row(name: name, codedBytes: coded.count, encodeMBps: mbps(input.count, bestEnc),
                            decodeMBps: mbps(input.count, bestDec), encodeCPUMBps: mbps(input.count, cpuEnc),
                            decodeCPUMBps: mbps(input.count, cpuDec)))
    }

    public static func timings(path: String, runs: Int = 3) -> (rows: [Row], report: String) {
        guard let input = readCorpusFile(path) else { return ([], "cannot read \(path)") }
        var rows: [Row] = []
        for (name, codec) in candidates() {
            switch measure(name, codec, input, runs: runs) {
            case .success(let row): rows.append(row)
            case .failure(let error): return (rows, "\(error.message) on \(path)")
            }
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

    /// Coded sizes on the corpus sets below `root`, each file in
    /// container blocks of the codec's default block size.
    public static func sizes(root: String) throws(BenchError) -> String {
        let sets: [(String, String, [String])] = [
            ("Calgary-14", "calgary", calgary14),
            ("Canterbury", "canterbury", ["alice29.txt", "asyoulik.txt", "cp.html", "fields.c", "grammar.lsp",
                                          "kennedy.xls", "lcet10.txt", "plrabn12.txt", "ptt5", "sum", "xargs.1"]),
            ("bible.txt", "large", ["bible.txt"]), ("world192.txt", "large", ["world192.txt"]), ("E.coli", "large", ["E.coli"]),
        ]
        let d = (bzip2: Bzip2Codec.descriptor, huffman: BWTHuffmanCodec.descriptor, bwt: BWTCodec.descriptor)
        let fast = BWTCodec.runModelLevels.upperBound
        let columns: [(String, any Codec, Int)] = [
            ("bzip2 -9", d.bzip2.make(d.bzip2.defaultLevel), d.bzip2.blockSize(d.bzip2.defaultLevel)),
            ("bwt-huffman -\(d.huffman.defaultLevel)", d.huffman.make(d.huffman.defaultLevel), d.huffman.blockSize(d.huffman.defaultLevel)),
            ("bwt -\(fast) fmt 0", BWTCodec(level: fast, variant: .firstRuns), d.bwt.blockSize(fast)),
            ("bwt -\(fast)", d.bwt.make(fast), d.bwt.blockSize(fast)),
            ("bwt -\(d.bwt.defaultLevel)", d.bwt.make(d.bwt.defaultLevel), d.bwt.blockSize(d.bwt.defaultLevel))]
        var s = pad("set", 14) + columns.map { pad($0.0, 26) }.joined() + "\n"
        for (label, dir, files) in sets {
            var raw = 0
            var totals = [Int](repeating: 0, count: columns.count)
            for f in files {
                let bytes = try CorpusLocation.read("\(root)/\(dir)/\(f)")
                raw += bytes.count
                for (k, (name, codec, blockSize)) in columns.enumerated() {
                    guard let n = codedSize(codec, bytes, blockSize: blockSize) else {
                        return s + "\(name) failed on \(f)\n"
                    }
                    totals[k] += n
                }
            }
            s += pad(label, 14) + totals.map { pad("\($0) (\(fmt(8 * Double($0) / Double(raw), 3)) b/B)", 26) }.joined() + "\n"
        }
        return s
    }

    /// Every file it reads, below the corpora directory.
    static var files: [String] {
        calgary14.map { "calgary/" + $0 } + BaselineSizes.canterbury.map { "canterbury/" + $0 }
            + ["large/bible.txt", "large/world192.txt", "large/E.coli"]
    }

    public static func run() throws(BenchError) -> String {
        let root = try CorpusLocation.root(containing: files)
        let bible = root + "/large/bible.txt"
        let (rows, report) = timings(path: bible)
        guard let bzip2 = rows.first else { throw BenchError(report) }
        var s = report
        s += "\n" + stages(bzip2: bzip2, bwt: Array(rows.dropFirst(2)), path: bible)
        s += "\n" + (try sizes(root: root))
        s += "\n" + (try ablation(bzip2: bzip2, path: bible, root: root))
        return s
    }

    static let calgary14 = ["bib", "book1", "book2", "geo", "news", "obj1", "obj2", "paper1", "paper2",
                            "pic", "progc", "progl", "progp", "trans"]

    /// Where `bwt`'s time goes on `path`: the suffix sort and the inverse BWT
    /// timed alone (CPU time, best of `runs`), the rest is move-to-front and
    /// the model; and how many nanoseconds per byte the model could take if
    /// `bwt` were to reach 1.0x bzip2 -9's compression and 0.7x its decompression.
    static func stages(bzip2: Row, bwt: [Row], path: String, runs: Int = 3) -> String {
        guard let input = readCorpusFile(path), !input.isEmpty else { return "cannot read \(path)\n" }
        let n = input.count
        let transformed = UnsafeMutableRawBufferPointer.allocate(byteCount: n, alignment: 8)
        defer { transformed.deallocate() }
        let restored = UnsafeMutableRawBufferPointer.allocate(byteCount: n, alignment: 8)
        defer { restored.deallocate() }
        var sort = Double.infinity, inverse = Double.infinity
        for _ in 0..<runs {
            let c0 = cpuNow()
            let primary = input.withUnsafeBytes { BurrowsWheeler.forward($0, into: transformed) }
            sort = Swift.min(sort, cpuNow() - c0)
            let c1 = cpuNow()
            do { try BurrowsWheeler.inverse(UnsafeRawBufferPointer(transformed), primaryIndex: primary, into: restored) } catch {
                return "inverse BWT failed on \(path): \(error)\n"
            }
            inverse = Swift.min(inverse, cpuNow() - c1)
            guard restored.elementsEqual(input) else { return "inverse BWT changed \(path)\n" }
        }
        func ns(_ seconds: Double) -> String { fmt(seconds * 1e9 / Double(n), 1) }
        let bzEncode = 1e-6 * Double(n) / bzip2.encodeCPUMBps, bzDecode = 1e-6 * Double(n) / bzip2.decodeCPUMBps
        var s = "Where bwt's time goes on \(path), ns per byte of CPU time; bzip2 -9 takes \(ns(bzEncode)) to compress "
            + "and \(ns(bzDecode)) to decompress, so 1.0x leaves the model \(ns(bzEncode - sort)) after the sort "
            + "and 0.7x leaves it \(ns(bzDecode / 0.7 - inverse)) after the inverse BWT\n"
        for row in bwt {
            let encode = 1e-6 * Double(n) / row.encodeCPUMBps, decode = 1e-6 * Double(n) / row.decodeCPUMBps
            s += "  \(pad(row.name, 8)) compress: suffix sort \(ns(sort)) + move-to-front and model \(ns(encode - sort)) = \(ns(encode)); "
                + "decompress: model and move-to-front \(ns(decode - inverse)) + inverse BWT \(ns(inverse)) = \(ns(decode))\n"
        }
        return s
    }

    /// Every `BWTCodec.ModelVariant` — the run model, the full context-mixing
    /// model and that model with its parts taken away one after another — at
    /// the default level's block size: bits/byte on Calgary-14 and on `path`,
    /// and speed on `path` (CPU time, best of `runs`) beside bzip2 -9's.
    static func ablation(bzip2: Row, path: String, root: String, runs: Int = 2) throws(BenchError) -> String {
        let input = try CorpusLocation.read(path)
        guard !input.isEmpty else { throw BenchError("\(path) is empty") }
        var files: [[UInt8]] = []
        for f in calgary14 {
            let bytes = try CorpusLocation.read("\(root)/calgary/\(f)")
            files.append(bytes)
        }
        let calgaryRaw = files.reduce(0) { $0 + $1.count }
        let level = BWTCodec.descriptor.defaultLevel
        var s = "The bwt models, and what each part buys and costs (level \(level)'s blocks; the run model of format 0, "
            + "of format 1 (levels 1-5), format 1 with a mixer, secondary estimation and pair counters added; "
            + "then the context-mixing model, each row below it taking one more part away; speed on \(path) by CPU time, best of \(runs), "
            + "x = against bzip2 -9 above)\n"
        s += pad("model", 32) + pad("Calgary-14 b/B", 16) + pad("bible b/B", 11) + pad("enc MB/s", 10) + pad("dec MB/s", 10)
            + pad("enc x", 7) + pad("dec x", 7) + "\n"
        for variant in BWTCodec.ModelVariant.allCases {
            let codec = BWTCodec(level: level, variant: variant)
            var calgary = 0
            for bytes in files {
                guard let n = codedSize(codec, bytes, blockSize: codec.blockSize) else { return s + "\(variant.rawValue) failed\n" }
                calgary += n
            }
            let row: Row
            switch measure(variant.rawValue, codec, input, runs: runs) {
            case .success(let r): row = r
            case .failure(let error): return s + "\(error.message) on \(path)\n"
            }
            let encMBps = row.encodeCPUMBps, decMBps = row.decodeCPUMBps
            s += pad(variant.rawValue, 32) + pad(fmt(8 * Double(calgary) / Double(calgaryRaw), 4), 16)
                + pad(fmt(8 * Double(row.codedBytes) / Double(input.count), 3), 11) + pad(fmt(encMBps), 10) + pad(fmt(decMBps), 10)
                + pad(fmt(encMBps / bzip2.encodeCPUMBps), 7) + pad(fmt(decMBps / bzip2.decodeCPUMBps), 7) + "\n"
        }
        return s
    }


    static func fmt(_ x: Double, _ digits: Int = 2) -> String {
        var p = 1.0
        for _ in 0..<digits { p *= 10 }
        return String((x * p).rounded() / p)
    }

}
