import CLibdeflate
import Codecs
import Harness

/// `lz77-huffman` against the best of its class in one run (issue #22): on the
/// Calgary-14 files, each compressed whole, in memory, on this thread,
/// `lz77-huffman -9` beside libdeflate -12 (linked, gzip format, as
/// `libdeflate-gzip -12` writes) and `lz77-huffman -6` beside zlib -6 (gzip
/// format). Bytes are summed over the files; MB/s is the 14 files' raw bytes
/// over the sum of each file's median CPU time of `runs`. The rivals'
/// compressor state is allocated outside the timed region (libdeflate's
/// CLI does the same: one compressor for all files); ours is inside.
public enum LZ77ClassBenchmark {
    public static let files = ["bib", "book1", "book2", "geo", "news", "obj1", "obj2", "paper1", "paper2",
                               "pic", "progc", "progl", "progp", "trans"]

    public struct Row: Sendable {
        public let name: String
        public let codedBytes: Int
        public let rawBytes: Int
        public let seconds: Double
        public var mbps: Double { Double(rawBytes) / 1e6 / Swift.max(seconds, 1e-9) }
    }

    enum Coder {
        case ours(name: String, level: Int)
        case libdeflate(level: Int32)
    }

    static let lineup: [(String, Coder)] = [
        ("lz77-huffman -9", .ours(name: "lz77-huffman", level: 9)),
        ("libdeflate -12", .libdeflate(level: 12)),
        ("lz77-huffman -6", .ours(name: "lz77-huffman", level: 6)),
        ("zlib -6", .ours(name: "zlib", level: 6)),
    ]

    /// Compresses every file `runs` times with `coder`, checking our round trips.
    static func measure(_ label: String, _ coder: Coder, inputs: [(String, [UInt8])], runs: Int) throws(BenchError) -> Row {
        var coded = 0, raw = 0, seconds = 0.0
        switch coder {
        case .ours(let name, let level):
            guard let d = CodecRegistry.standard.named(name) else { throw BenchError("no codec named \(name)") }
            let codec = d.make(level)
            for (file, input) in inputs {
                var times: [Double] = []
                var out = ByteBuffer()
                for _ in 0..<runs {
                    out = ByteBuffer()
                    let t0 = Measurement.threadCPUTime()
                    do {
                        try input.withUnsafeBytes { raw in try codec.encode(raw, into: &out) }
                    } catch {
                        throw BenchError("\(label) on \(file): \(error)")
                    }
                    times.append(Measurement.threadCPUTime() - t0)
                }
                var back = ByteBuffer(capacity: input.count)
                do {
                    try out.withUnsafeBytes { raw in try codec.decode(raw, originalCount: input.count, into: &back) }
                } catch {
                    throw BenchError("\(label) cannot decode its output of \(file): \(error)")
                }
                guard back.bytes == input else { throw BenchError("\(label) round trip differs on \(file)") }
                coded += out.count; raw += input.count; seconds += Measurement.median(times)
            }
        case .libdeflate(let level):
            guard let compressor = libdeflate_alloc_compressor(level) else {
                throw BenchError("libdeflate_alloc_compressor(\(level)) failed")
            }
            defer { libdeflate_free_compressor(compressor) }
            for (file, input) in inputs {
                var times: [Double] = []
                var size = 0
                let bound = libdeflate_gzip_compress_bound(compressor, input.count)
                var dst = [UInt8](repeating: 0, count: bound)
                for _ in 0..<runs {
                    let t0 = Measurement.threadCPUTime()
                    size = input.withUnsafeBytes { src in
                        dst.withUnsafeMutableBytes { d in
                            libdeflate_gzip_compress(compressor, src.baseAddress, src.count, d.baseAddress, d.count)
                        }
                    }
                    times.append(Measurement.threadCPUTime() - t0)
                }
                guard size > 0 else { throw BenchError("\(label) could not compress \(file)") }
                coded += size; raw += input.count; seconds += Measurement.median(times)
            }
        }
        return Row(name: label, codedBytes: coded, rawBytes: raw, seconds: seconds)
    }

    public static func measure(runs: Int, only: Set<String>? = nil) throws(BenchError) -> [Row] {
        let root = try CorpusLocation.root(containing: files.map { "calgary/" + $0 })
        var inputs: [(String, [UInt8])] = []
        for f in files {
            guard let bytes = readCorpusFile(root + "/calgary/" + f) else { throw BenchError("cannot read \(root)/calgary/\(f)") }
            inputs.append((f, bytes))
        }
        var rows: [Row] = []
        for (label, coder) in lineup where only?.contains(label) ?? true {
            rows.append(try measure(label, coder, inputs: inputs, runs: runs))
        }
        return rows
    }

    public static func run(runs: Int = 3) throws(BenchError) -> String {
        let rows = try measure(runs: runs)
        var s = "LZ77 + Huffman class on Calgary-14 (each file whole, in memory, one thread); MB/s of raw data per CPU second, median of \(runs) per file\n"
        s += pad("coder", 18) + pad("bytes", 10) + pad("MB/s", 8) + "\n"
        for r in rows { s += pad(r.name, 18) + pad(String(r.codedBytes), 10) + pad(fmt(r.mbps), 8) + "\n" }
        func row(_ n: String) -> Row? { rows.first { $0.name == n } }
        if let a = row("lz77-huffman -9"), let b = row("libdeflate -12") {
            s += "lz77-huffman -9 / libdeflate -12: speed \(fmt(a.mbps / b.mbps))x (target 0.5x), bytes \(a.codedBytes) vs \(b.codedBytes) (target: no larger)\n"
        }
        if let a = row("lz77-huffman -6"), let b = row("zlib -6") {
            s += "lz77-huffman -6 / zlib -6: speed \(fmt(a.mbps / b.mbps))x (target 1.0x), bytes \(a.codedBytes) vs \(b.codedBytes)\n"
        }
        return s
    }

    static func fmt(_ x: Double) -> String { String((x * 100).rounded() / 100) }
}
