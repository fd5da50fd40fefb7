#if canImport(Glibc)
import Glibc
#endif
import Archive
import Foundation

/// The figures issue #18 asks of `squeeze archive`, measured in one run.
///
/// On the Canterbury and Calgary corpora as one tree, for lz77 -6, bwt -5 and
/// ppm -5 in blocks of `blockSize`: the archive's size against GNU tar's pax
/// stream compressed with the same codec (the index and pax headers cost),
/// and extracting one member against decoding everything, both as work in
/// this process (one thread, median of `runs`) and as the wall time of the
/// executable (`-T 1`, process start included: about 5 ms of CPU, a third
/// of what a one-member extraction takes).
///
/// With `large`, a generated tree of that many bytes (thousands of small files
/// of text and binary, a few large ones; pieces of the corpora mixed with
/// random bytes, the same tree for the same size) is archived, extracted
/// whole, and one large member extracted, each by the executable with its
/// default codec on `threads` threads, then archived and extracted with
/// `-a auto`; wall time and the child's peak RSS (ru_maxrss, through python3:
/// see `ChildProcess.run`) are printed beside the bound 4 × block × threads + 64 MiB.
public enum ArchiveBenchmark {
    public struct Options: Sendable {
        public var blockSize = 256 << 10
        public var runs = 3
        /// Bytes of the generated tree, or nil for none.
        public var large: Int64?
        public var threads = 2
        /// The squeeze executable run for the process figures (default: this one).
        public var executable: String?
        public init() {}
    }

    public static let lineup: [(String, Int)] = [("lz77", 6), ("bwt", 5), ("ppm", 5)]
    /// The member extracted alone from the corpora tree.
    public static let member = "tree/canterbury/fields.c"

    public struct Row: Sendable {
        public var codec: String
        public var archiveBytes: Int64
        public var tarPaxBytes: Int64
        public var tarGnuBytes: Int64
        public var blocks: Int
        public var blocksDecoded: Int
        public var fullDecodeSeconds: Double
        public var oneMemberSeconds: Double
        public var fullDecodeWall: Double
        public var oneMemberWall: Double
    }

    public static func run(_ options: Options = Options()) throws(BenchError) -> String {
        let root = try CorpusLocation.root(containing: ["canterbury/fields.c", "calgary/book1"])
        guard let exe = options.executable ?? Isolation.currentExecutable else { throw BenchError("cannot find the squeeze executable") }
        let work = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: work) }
        var s = ""
        do {
            try FileManager.default.createDirectory(atPath: work + "/tree", withIntermediateDirectories: false)
            for d in ["canterbury", "calgary"] {
                try FileManager.default.copyItem(atPath: root + "/" + d, toPath: work + "/tree/" + d)
            }
        } catch {
            throw BenchError("cannot copy the corpora into \(work): \(error)")
        }
        let pax = work + "/pax.tar", gnu = work + "/gnu.tar"
        for (format, path) in [("--format=pax", pax), ("--format=gnu", gnu)] {
            let r = ChildProcess.run(["tar", "cf", "-", format, "--sort=name", "-C", work, "tree"], stdout: path, searchPath: true)
            guard r.status == 0 else { throw BenchError("GNU tar (needed for the comparison) failed: \(r.errorText)") }
        }
        let (rawBytes, entries) = treeSize(work + "/tree")
        s += "Archive of the Canterbury and Calgary corpora as one tree (\(rawBytes) bytes, \(entries) entries), "
        s += "blocks of \(options.blockSize >> 10) KiB; one member: \(member)\n"
        s += "work: in this process, one thread, median of \(options.runs); wall: `\(URL(fileURLWithPath: exe).lastPathComponent) -T 1` as a process\n"
        var rows: [Row] = []
        for (name, level) in lineup {
            rows.append(try measureCorpora(codec: name, level: level, work: work, pax: pax, gnu: gnu, exe: exe, options: options))
        }
        s += pad("codec", 10) + pad("archive", 10) + pad("tar|sqz", 10) + pad("diff", 8) + pad("vs gnu", 8)
            + pad("blocks", 9) + pad("full work", 11) + pad("one work", 10) + pad("speed-up", 10)
            + pad("full wall", 11) + pad("one wall", 10) + "speed-up\n"
        for r in rows {
            s += pad(r.codec, 10) + pad(String(r.archiveBytes), 10) + pad(String(r.tarPaxBytes), 10)
                + pad(percent(r.archiveBytes, r.tarPaxBytes), 8) + pad(percent(r.archiveBytes, r.tarGnuBytes), 8)
                + pad("\(r.blocksDecoded)/\(r.blocks)", 9)
                + pad(seconds(r.fullDecodeSeconds), 11) + pad(seconds(r.oneMemberSeconds), 10)
                + pad(times(r.fullDecodeSeconds / r.oneMemberSeconds), 10)
                + pad(seconds(r.fullDecodeWall), 11) + pad(seconds(r.oneMemberWall), 10)
                + times(r.fullDecodeWall / r.oneMemberWall) + "\n"
        }
        s += "diff: archive against GNU tar --format=pax | squeeze -c (issue: within 1%); vs gnu: against tar's default format\n"
        if let size = options.large {
            s += "\n" + (try measureLarge(size: size, work: work, root: root, exe: exe, threads: options.threads))
        }
        return s
    }

    // MARK: The corpora tree

    static func measureCorpora(codec name: String, level: Int, work: String, pax: String, gnu: String, exe: String,
                               options: Options) throws(BenchError) -> Row {
        guard let d = CodecRegistry.standard.named(name) else { throw BenchError("no codec \(name)") }
        let compressor: SqzCompressor
        do { compressor = try SqzCompressor(descriptor: d, level: level, blockSize: options.blockSize, threads: 1) }
        catch { throw BenchError("\(name) -\(level): \(error)") }
        let label = "\(name) -\(d.label(forLevel: level))"
        let archive = work + "/\(name).tar.sqz"
        // The archive, written as `squeeze archive create` writes it (paths relative to `work`).
        let here = FileManager.default.currentDirectoryPath
        guard chdir(work) == 0 else { throw BenchError("cannot enter \(work)") }
        defer { _ = chdir(here) }
        let archiveBytes: Int64
        do {
            let fd = open(archive, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw BenchError("cannot create \(archive): \(systemErrorMessage())") }
            defer { close(fd) }
            var sink = FileSink(fd: fd)
            archiveBytes = try ArchiveCreator(compressor: compressor).create(paths: ["tree"], to: &sink).fileBytes
        } catch let e as BenchError { throw e } catch { throw BenchError("\(label): archive create: \(error)") }
        let tarPax = try compressedSize(pax, compressor), tarGnu = try compressedSize(gnu, compressor)

        var full: [Double] = [], one: [Double] = []
        var decoded = 0, total = 0
        let target = work + "/x-" + name
        try? FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: false)
        for _ in 0..<options.runs {
            let fd = open(archive, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw BenchError("cannot open \(archive)") }
            var sink = DiscardingSink()
            let t0 = Measurement.now()
            do { _ = try SqzDecompressor(registry: .standard).decompress(from: FileSource(fd: fd), to: &sink, threads: 1) }
            catch { close(fd); throw BenchError("\(label): full decode: \(error)") }
            full.append(Measurement.now() - t0)
            close(fd)
            var options = ExtractOptions()
            options.members = [member]
            options.overwrite = true
            let t1 = Measurement.now()
            do {
                let file = try ArchiveFile(path: archive, registry: .standard, memoryLimit: nil, threads: 1)
                let summary = try ArchiveExtractor.extract(file, into: target, options: options)
                decoded = summary.blocksDecoded
                total = summary.blocksTotal
            } catch { throw BenchError("\(label): extract \(member): \(error)") }
            one.append(Measurement.now() - t1)
        }
        var fullWall: [Double] = [], oneWall: [Double] = []
        for _ in 0..<options.runs {
            let a = ChildProcess.run([exe, "-dc", "-T", "1", archive], stdout: "/dev/null")
            guard a.status == 0 else { throw BenchError("\(label): squeeze -dc failed: \(a.errorText)") }
            fullWall.append(a.seconds)
            let b = ChildProcess.run([exe, "archive", "extract", "-q", "-f", "-T", "1", archive, member, "-C", target], stdout: "/dev/null")
            guard b.status == 0 else { throw BenchError("\(label): archive extract failed: \(b.errorText)") }
            oneWall.append(b.seconds)
        }
        return Row(codec: label, archiveBytes: archiveBytes, tarPaxBytes: tarPax, tarGnuBytes: tarGnu,
                   blocks: total, blocksDecoded: decoded,
                   fullDecodeSeconds: Measurement.median(full), oneMemberSeconds: Measurement.median(one),
                   fullDecodeWall: Measurement.median(fullWall), oneMemberWall: Measurement.median(oneWall))
    }

    /// Bytes of `path` compressed as one frame (what `squeeze -c` writes).
    static func compressedSize(_ path: String, _ compressor: SqzCompressor) throws(BenchError) -> Int64 {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw BenchError("cannot open \(path)") }
        defer { close(fd) }
        var source = FileSource(fd: fd)
        var sink = DiscardingSink()
        do { return try compressor.compress(from: &source, to: &sink).frameBytes }
        catch { throw BenchError("compressing \(path): \(error)") }
    }

    // MARK: The generated tree

    static func measureLarge(size: Int64, work: String, root: String, exe: String, threads: Int) throws(BenchError) -> String {
        let tree = work + "/large"
        let t0 = Measurement.now()
        let made = try LargeTree.generate(at: tree, bytes: size, corpora: root)
        let generated = Measurement.now() - t0
        guard let d = CodecRegistry.standard.named(Squeeze.defaultCodec) else { throw BenchError("no default codec") }
        let block = d.blockSize(d.defaultLevel)
        let bound = Int64(4 * block * threads + (64 << 20))
        var s = "Generated tree: \(made.bytes) bytes in \(made.files) files (\(made.largeFiles) large), \(made.directories) directories "
        s += "(\(seconds(generated)) to write); \(d.name) -\(d.label(forLevel: d.defaultLevel)), blocks of \(block >> 20) MiB, -T \(threads)\n"
        s += "bound on peak RSS: 4 × \(block >> 20) MiB × \(threads) + 64 MiB = \(bound >> 20) MiB\n"
        let archive = work + "/large.tar.sqz", autoArchive = work + "/large-auto.tar.sqz"
        let all = work + "/x-all", single = work + "/x-one", autoAll = work + "/x-auto"
        for dir in [all, single, autoAll] { try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false) }
        let t = String(threads)
        // The default codec, then -a auto beside it (docs/ARCHIVE.md: why auto is not the default).
        let steps: [(String, [String])] = [
            ("archive create", [exe, "archive", "create", "-q", "-T", t, "-C", work, archive, "large"]),
            ("archive extract (all)", [exe, "archive", "extract", "-q", "-T", t, archive, "-C", all]),
            ("archive extract \(made.sampleMember)", [exe, "archive", "extract", "-q", "-v", "-T", t, archive, made.sampleMember, "-C", single]),
            ("archive create -a auto", [exe, "archive", "create", "-q", "-a", "auto", "-T", t, "-C", work, autoArchive, "large"]),
            ("archive extract (all), the auto archive", [exe, "archive", "extract", "-q", "-T", t, autoArchive, "-C", autoAll]),
        ]
        s += pad("step", 44) + pad("wall", 10) + pad("peak RSS", 12) + "within bound\n"
        for (i, (label, argv)) in steps.enumerated() {
            let r = ChildProcess.run(argv, stdout: "/dev/null", peakMemory: true)
            guard r.status == 0 else { throw BenchError("\(label) failed (status \(r.status)): \(r.errorText)") }
            var note = ""
            if i == 0 || i == 3 {
                var st = stat()
                if stat(i == 0 ? archive : autoArchive, &st) == 0 { note = " → \(st.st_size) bytes (\(fixed(100 * Double(st.st_size) / Double(made.bytes), 2))%)" }
            } else if let decoded = r.errorText.split(separator: "\n").last(where: { $0.contains("decoded") }) {
                note = " (" + String(decoded.split(separator: ";").last ?? "").trimmingCharacters(in: .whitespaces) + ")"
            }
            s += pad(label, 44) + pad(seconds(r.seconds), 10) + pad("\(r.peakRSS >> 20) MiB", 12)
                + (r.peakRSS <= bound ? "yes" : "NO") + note + "\n"
        }
        return s
    }

    // MARK: Helpers

    static func temporaryDirectory() throws(BenchError) -> String {
        var template = Array("/tmp/squeeze-bench-archive.XXXXXX".utf8CString)
        guard let p = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw BenchError("cannot create a temporary directory: \(systemErrorMessage())")
        }
        return String(cString: p)
    }

    /// Bytes of regular files and entries (directories included) under `path`.
    static func treeSize(_ path: String) -> (Int64, Int) {
        var bytes: Int64 = 0, entries = 1
        let e = FileManager.default.enumerator(atPath: path)
        while let name = e?.nextObject() as? String {
            entries += 1
            var st = stat()
            if lstat(path + "/" + name, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG { bytes += Int64(st.st_size) }
        }
        return (bytes, entries)
    }

    static func percent(_ a: Int64, _ b: Int64) -> String { percentAbove(Double(a), Double(b)) }
    /// `x` with `digits` decimals.
    static func fixed(_ x: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", x) }
    static func seconds(_ x: Double) -> String { fixed(x, 3) + " s" }
    static func times(_ x: Double) -> String { fixed(x, 1) + "×" }
}

/// The tree `bench archive --large` writes: directories of 100 small files
/// (0.5–64 KiB, log-uniform; text from the text corpora or binary from the
/// others, a quarter of each binary file random) holding half the bytes, and
/// eight large files holding the other half (pieces of 1–256 KiB of any
/// corpus file, one in eight random). A fixed xorshift generator makes the
/// same tree for the same size.
enum LargeTree {
    struct Made { var bytes: Int64 = 0; var files = 0; var largeFiles = 0; var directories = 0; var sampleMember = "" }

    static let textFiles = ["canterbury/alice29.txt", "canterbury/asyoulik.txt", "canterbury/cp.html", "canterbury/fields.c",
                            "canterbury/lcet10.txt", "canterbury/plrabn12.txt", "calgary/bib", "calgary/book1", "calgary/book2",
                            "calgary/news", "calgary/paper1", "calgary/progc", "calgary/progl", "calgary/trans"]
    static let binaryFiles = ["canterbury/kennedy.xls", "canterbury/ptt5", "canterbury/sum", "calgary/geo",
                              "calgary/obj1", "calgary/obj2", "calgary/pic"]

    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return state
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(Swift.max(1, n))) }
        mutating func fill(_ p: UnsafeMutableRawBufferPointer) {
            var i = 0
            while i < p.count {
                var v = next()
                for _ in 0..<Swift.min(8, p.count - i) { p[i] = UInt8(truncatingIfNeeded: v); v >>= 8; i += 1 }
            }
        }
    }

    static func generate(at root: String, bytes: Int64, corpora: String) throws(BenchError) -> Made {
        var texts: [[UInt8]] = [], binaries: [[UInt8]] = []
        for f in textFiles { texts.append(try CorpusLocation.read(corpora + "/" + f)) }
        for f in binaryFiles { binaries.append(try CorpusLocation.read(corpora + "/" + f)) }
        let everything = texts + binaries
        var rng = Random(state: 0x9E37_79B9_7F4A_7C15)
        var made = Made()
        var buffer = [UInt8]()
        func piece(from pool: [[UInt8]], maxLength: Int, into out: inout [UInt8]) {
            let f = pool[rng.below(pool.count)]
            let n = Swift.min(f.count, 1 + rng.below(maxLength))
            let at = rng.below(f.count - n + 1)
            out.append(contentsOf: f[at..<(at + n)])
        }
        func randomBytes(_ n: Int, into out: inout [UInt8]) {
            let start = out.count
            out.append(contentsOf: repeatElement(0, count: n))
            out.withUnsafeMutableBytes { rng.fill(UnsafeMutableRawBufferPointer(rebasing: $0[start...])) }
        }
        func write(_ path: String, _ data: [UInt8]) throws(BenchError) {
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw BenchError("cannot create \(path): \(systemErrorMessage())") }
            defer { close(fd) }
            let ok = data.withUnsafeBytes { p -> Bool in
                var off = 0
                while off < p.count {
                    let w = Glibc.write(fd, p.baseAddress! + off, p.count - off)
                    if w < 0 && errno == EINTR { continue }
                    if w <= 0 { return false }
                    off += w
                }
                return true
            }
            guard ok else { throw BenchError("cannot write \(path): \(systemErrorMessage())") }
        }
        func mkdir(_ path: String) throws(BenchError) {
            guard Glibc.mkdir(path, 0o755) == 0 else { throw BenchError("cannot create \(path): \(systemErrorMessage())") }
            made.directories += 1
        }
        try mkdir(root)
        // Small files: half the bytes.
        let smallBudget = bytes / 2
        var directory = ""
        while made.bytes < smallBudget {
            if made.files % 100 == 0 {
                directory = root + "/d\(String(made.files / 100))"
                try mkdir(directory)
            }
            let size = Swift.min(Int(smallBudget - made.bytes), Int(512.0 * pow(128.0, Double(rng.below(1 << 20)) / Double(1 << 20))))
            let text = rng.below(3) < 2
            buffer.removeAll(keepingCapacity: true)
            while buffer.count < size {
                if text {
                    piece(from: texts, maxLength: 16 << 10, into: &buffer)
                } else if rng.below(4) == 0 {
                    randomBytes(1 + rng.below(4 << 10), into: &buffer)
                } else {
                    piece(from: binaries, maxLength: 4 << 10, into: &buffer)
                }
            }
            buffer.removeLast(buffer.count - size)
            try write(directory + "/f\(made.files)" + (text ? ".txt" : ".bin"), buffer)
            made.files += 1
            made.bytes += Int64(size)
        }
        // Large files: the rest, in eight.
        let largeCount = 8
        let each = Int((bytes - made.bytes) / Int64(largeCount))
        for k in 0..<largeCount where each > 0 {
            buffer.removeAll(keepingCapacity: true)
            while buffer.count < each {
                if rng.below(8) == 0 {
                    randomBytes(1 + rng.below(64 << 10), into: &buffer)
                } else {
                    piece(from: everything, maxLength: 256 << 10, into: &buffer)
                }
            }
            buffer.removeLast(buffer.count - each)
            let name = "large/big\(k).bin"
            try write(root + "/big\(k).bin", buffer)
            if k == 3 { made.sampleMember = name }
            made.files += 1
            made.largeFiles += 1
            made.bytes += Int64(each)
        }
        if made.sampleMember.isEmpty { made.sampleMember = "large/d0/f0.txt" }
        return made
    }
}
