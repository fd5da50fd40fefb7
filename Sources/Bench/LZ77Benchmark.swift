/// The LZ77 codecs beside zlib (and xz for `lz77`) in one run: on one file
/// (default corpora/large/bible.txt) the MB/s of each coder both ways, and the
/// ratios issue #6 sets: `lz77-huffman` default-level compress against zlib
/// level 6 and its decode against inflate. Speeds are 10^6 raw bytes per
/// second of the thread's CPU time (median of `runs`), so other load on the
/// machine does not skew the ratios. Sizes are of the bare codec output, the
/// whole file as one block.
public enum LZ77Benchmark {
    public struct Row: Sendable {
        public let name: String
        public let codedBytes: Int
        public let encodeMBps: Double
        public let decodeMBps: Double
    }

    public static let lineup: [(String, Int)] = [
        ("lz77-elias", 6), ("lz77-huffman", 6), ("lz77-huffman", 9), ("lz77", 6), ("lz77", 9),
        ("zlib", 6), ("zlib", 9), ("xz", 6), ("xz", 19),
    ]

    public static func measure(path: String, runs: Int) -> Result<[Row], CodecError> {
        guard let input = readCorpusFile(path) else { return .failure(.invalidParameter("cannot read \(path)")) }
        var rows: [Row] = []
        for (name, level) in lineup {
            guard let d = CodecRegistry.standard.named(name) else { continue }
            let codec = d.make(level)
            var encodeTimes: [Double] = [], decodeTimes: [Double] = []
            var coded = ByteBuffer()
            for _ in 0..<runs {
                coded = ByteBuffer()
                var out = ByteBuffer(capacity: input.count)
                do {
                    let t0 = Measurement.threadCPUTime()
                    try input.withUnsafeBytes { raw in try codec.encode(raw, into: &coded) }
                    let t1 = Measurement.threadCPUTime()
                    try coded.withUnsafeBytes { raw in try codec.decode(raw, originalCount: input.count, into: &out) }
                    let t2 = Measurement.threadCPUTime()
                    encodeTimes.append(t1 - t0); decodeTimes.append(t2 - t1)
                } catch let e as CodecError {
                    return .failure(e)
                } catch {
                    return .failure(.library("\(error)"))
                }
                guard out.bytes == input else { return .failure(.corrupt("\(name) -\(d.label(forLevel: level)) round trip differs on \(path)")) }
            }
            rows.append(Row(name: "\(name) -\(d.label(forLevel: level))", codedBytes: coded.count,
                            encodeMBps: mbps(input.count, Measurement.median(encodeTimes)),
                            decodeMBps: mbps(input.count, Measurement.median(decodeTimes))))
        }
        return .success(rows)
    }

    /// `path` nil: large/bible.txt from the corpora (`CorpusLocation`).
    public static func run(path: String? = nil, runs: Int = 3) throws(BenchError) -> String {
        let rows: [Row]
        let path = try CorpusLocation.file("large/bible.txt", unless: path)
        switch measure(path: path, runs: runs) {
        case .success(let r): rows = r
        case .failure(let e): throw BenchError("\(e)")
        }
        var s = "LZ77 on \(path); MB/s of raw data per CPU second, median of \(runs)\n"
        s += pad("coder", 20) + pad("bytes", 10) + pad("enc MB/s", 10) + pad("dec MB/s", 10) + "\n"
        for r in rows {
            s += pad(r.name, 20) + pad(String(r.codedBytes), 10) + pad(fmt(r.encodeMBps), 10) + pad(fmt(r.decodeMBps), 10) + "\n"
        }
        func row(_ n: String) -> Row? { rows.first { $0.name == n } }
        if let h = row("lz77-huffman -6"), let z = row("zlib -6") {
            s += "lz77-huffman -6 compress / zlib -6: \(fmt(h.encodeMBps / z.encodeMBps))x (target 0.5x)\n"
            s += "lz77-huffman -6 decode / inflate:   \(fmt(h.decodeMBps / z.decodeMBps))x (target 0.7x)\n"
        }
        if let a = row("lz77 -9"), let x = row("xz -9e"), let z = row("zlib -9") {
            s += "lz77 -9 size / xz -9e: \(fmt(Double(a.codedBytes) / Double(x.codedBytes))), / zlib -9: \(fmt(Double(a.codedBytes) / Double(z.codedBytes)))\n"
            s += "lz77 -9 compress / xz -9e: \(fmt(a.encodeMBps / x.encodeMBps))x, decode / xz: \(fmt(a.decodeMBps / x.decodeMBps))x\n"
        }
        return s
    }

    static func fmt(_ x: Double) -> String { String((x * 100).rounded() / 100) }
}
