#if canImport(Glibc)
import Glibc
#endif

/// Compressed sizes of the system baselines at their strongest usual settings
/// (zlib -9, bzip2 -9, xz -9e, zstd -19) on the Canterbury corpus and the
/// 14-file Calgary set, in bits per byte of the set's total — the figures our
/// own coders are measured against. Each file is coded as one stream, as the
/// command-line tool would code it; every stream is decoded and checked.
public struct BaselineSizes: Sendable {
    public struct Row: Sendable {
        public let codec: String
        public let level: String
        public let set: String
        public let files: Int
        public let rawBytes: Int
        public let codedBytes: Int
        public let encodeSeconds: Double
        public let decodeSeconds: Double
        public var bitsPerByte: Double { rawBytes == 0 ? 0 : 8 * Double(codedBytes) / Double(rawBytes) }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public let rows: [Row]

    public static let canterbury = ["alice29.txt", "asyoulik.txt", "cp.html", "fields.c", "grammar.lsp", "kennedy.xls",
                                    "lcet10.txt", "plrabn12.txt", "ptt5", "sum", "xargs.1"]
    public static let calgary14 = ["bib", "book1", "book2", "geo", "news", "obj1", "obj2", "paper1", "paper2", "pic",
                                   "progc", "progl", "progp", "trans"]

    /// The codecs and levels measured: (name, level).
    public static let settings: [(String, Int)] = [("zlib", 9), ("bzip2", 9), ("xz", 19), ("zstd", 19)]

    /// Runs the measurement over `corpusRoot` (the repository's `corpora` folder).
    /// `corpusRoot` nil: found by `CorpusLocation`.
    public static func run(corpusRoot: String? = nil) throws -> BaselineSizes {
        let corpusRoot = try corpusRoot ?? CorpusLocation.root(
            containing: canterbury.map { "canterbury/" + $0 } + calgary14.map { "calgary/" + $0 })
        let sets = [("canterbury", "canterbury", canterbury), ("calgary-14", "calgary", calgary14)]
        var inputs: [String: [[UInt8]]] = [:]
        for (label, folder, names) in sets {
            inputs[label] = try names.map { try CorpusWalker.read("\(corpusRoot)/\(folder)/\($0)") }
        }
        var rows: [Row] = []
        for (name, level) in settings {
            guard let d = Baselines.all.first(where: { $0.name == name }) else {
                throw Failure(description: "no baseline codec \(name)")
            }
            let codec = d.make(level)
            for (label, _, names) in sets {
                var raw = 0, coded = 0, encodeTime = 0.0, decodeTime = 0.0
                for (file, input) in zip(names, inputs[label] ?? []) {
                    var out = ByteBuffer(capacity: input.count + 1024)
                    let t0 = Measurement.now()
                    try input.withUnsafeBytes { try codec.encode($0, into: &out) }
                    let t1 = Measurement.now()
                    var back = ByteBuffer(capacity: input.count + 1)
                    try out.withUnsafeBytes { (c: UnsafeRawBufferPointer) throws(CodecError) in
                        try codec.decode(c, originalCount: input.count, into: &back)
                    }
                    let t2 = Measurement.now()
                    guard back.bytes == input else {
                        throw Failure(description: "\(name) -\(d.label(forLevel: level)) changed \(label)/\(file)")
                    }
                    raw += input.count
                    coded += out.count
                    encodeTime += t1 - t0
                    decodeTime += t2 - t1
                }
                rows.append(Row(codec: name, level: d.label(forLevel: level), set: label, files: names.count,
                                rawBytes: raw, codedBytes: coded, encodeSeconds: encodeTime, decodeSeconds: decodeTime))
            }
        }
        return BaselineSizes(rows: rows)
    }

    /// A plain-text table: one line per codec and set.
    public var report: String {
        var lines = ["System baselines, one stream per file; bits per byte of each set's total",
                     "(" + BaselineVersions.all.map { "\($0.library) \($0.version)" }.joined(separator: ", ") + ")",
                     pad("codec", 10) + pad("set", 12) + lpad("raw", 10) + lpad("coded", 10) + lpad("bpb", 7)
                         + lpad("enc MB/s", 10) + lpad("dec MB/s", 10)]
        for r in rows {
            lines.append(pad("\(r.codec) -\(r.level)", 10) + pad(r.set, 12) + lpad("\(r.rawBytes)", 10)
                         + lpad("\(r.codedBytes)", 10) + lpad(fixed(r.bitsPerByte, 3), 7)
                         + lpad(fixed(Double(r.rawBytes) / 1e6 / max(r.encodeSeconds, 1e-9), 1), 10)
                         + lpad(fixed(Double(r.rawBytes) / 1e6 / max(r.decodeSeconds, 1e-9), 1), 10))
        }
        return lines.joined(separator: "\n")
    }

    private func pad(_ s: String, _ n: Int) -> String { s + String(repeating: " ", count: max(0, n - s.count)) }
    private func lpad(_ s: String, _ n: Int) -> String { String(repeating: " ", count: max(0, n - s.count)) + s }
    private func fixed(_ x: Double, _ digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let v = (x * scale).rounded()
        let whole = Int(v / scale), frac = Int(abs(v).truncatingRemainder(dividingBy: scale))
        let fracText = String(frac)
        return digits == 0 ? "\(whole)" : "\(whole)." + String(repeating: "0", count: digits - fracText.count) + fracText
    }


}
