import SqueezeKit
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `squeeze bench long`: the long-range stage alone (docs/LONG.md, issue 19).
///
/// 1. Speed and size cost on input without long repeats: 64 MiB of random bytes and
///    the Canterbury files concatenated. MB/s are 10^6 raw bytes per CPU second of
///    this thread (least of `runs`), for the matcher (`process`, including the copy
///    into its in-memory history) and for the rebuilder. Cost = residual + reference
///    sections − input, over input. For Canterbury also lz77 -6 on the input and on
///    residual + sections, to show what cutting short repeats out does to a block coder.
/// 2. 16 copies of corpora/large/bible.txt (64 MiB, made here): residual and sections,
///    then what our lz77 -9, bwt -9 and ppm -9 make of the residual (the codec API, in
///    chunks of each codec's default block size) beside the same codec on one copy, and
///    `xz -9e` and `zstd -19 --long=27` on the 64 MiB where those tools are installed.
///
/// Settings: window 128 MiB (zstd's --long=27), minimum match 64, a 16 MiB anchor
/// table, 1 MiB blocks.
public enum LongRangeBenchmark {
    public static let window: Int64 = 1 << 27
    public static let blockSize = 1 << 20
    public static let tableBytes = 16 << 20
    public static let minMatch = 64

    public struct StageFigures: Sendable {
        public var name: String
        public var inputBytes: Int
        public var residualBytes: Int
        public var sectionBytes: Int
        public var references: Int
        public var anchors: Int
        public var verifications: Int
        public var matchSeconds: Double
        public var rebuildSeconds: Double
        public var matchMBps: Double { mbps(inputBytes, matchSeconds) }
        public var rebuildMBps: Double { mbps(inputBytes, rebuildSeconds) }
        /// (residual + sections − input) / input.
        public var cost: Double { Double(residualBytes + sectionBytes - inputBytes) / Double(Swift.max(inputBytes, 1)) }
    }

    /// Runs the stage over `input` in `blockSize` blocks and back, checking the round trip.
    /// `file`: the input is also in this file, and the matcher and rebuilder read their
    /// history back from files with pread (the decoder's from a file it writes) instead of memory.
    public static func stage(_ name: String, _ input: [UInt8], runs: Int, file: String? = nil) throws(BenchError) -> (StageFigures, residual: [UInt8], sections: [[UInt8]]) {
        var best = StageFigures(name: name, inputBytes: input.count, residualBytes: 0, sectionBytes: 0, references: 0,
                                anchors: 0, verifications: 0, matchSeconds: .infinity, rebuildSeconds: .infinity)
        var residual: [UInt8] = []
        var sections: [[UInt8]] = []
        do {
            for _ in 0..<Swift.max(1, runs) {
                // Timed: the stage as a pipeline runs it, each block's residual handed on and freed.
                var residualBytes = 0, referenceCount = 0
                var descriptors: [Int32] = []
                defer { descriptors.forEach { close($0) } }
                func history(writing: Bool) throws -> any LongRangeHistory {
                    guard let file else { return try InMemoryHistory(capacity: Int(window)) }
                    let path = writing ? file + ".rebuilt" : file
                    let fd = writing ? open(path, O_RDWR | O_CREAT | O_TRUNC, 0o600) : open(path, O_RDONLY)
                    guard fd >= 0 else { throw BenchError("cannot open \(path)") }
                    descriptors.append(fd)
                    return FileHistory(descriptor: fd, writesAppended: writing, name: path)
                }
                defer { if let file { unlink(file + ".rebuilt") } }
                let timed = try LongRangeMatcher(window: window, minMatch: minMatch, hashTableBytes: tableBytes,
                                                 history: history(writing: false))
                let t0 = Measurement.threadCPUTime()
                try input.withUnsafeBytes { raw in
                    var at = 0
                    while at < raw.count {
                        let n = Swift.min(blockSize, raw.count - at)
                        let b = try timed.process(UnsafeRawBufferPointer(rebasing: raw[at..<(at + n)]))
                        residualBytes += b.residual.count
                        referenceCount += b.references.count
                        at += n
                    }
                }
                let t1 = Measurement.threadCPUTime()
                // Untimed: the same again, keeping the blocks for the rebuilder.
                let matcher = try LongRangeMatcher(window: window, minMatch: minMatch, hashTableBytes: tableBytes,
                                                   history: history(writing: false))
                var blocks: [LongRangeBlock] = []
                try input.withUnsafeBytes { raw in
                    var at = 0
                    while at < raw.count {
                        let n = Swift.min(blockSize, raw.count - at)
                        blocks.append(try matcher.process(UnsafeRawBufferPointer(rebasing: raw[at..<(at + n)])))
                        at += n
                    }
                }
                guard blocks.reduce(0, { $0 + $1.residual.count }) == residualBytes,
                      blocks.reduce(0, { $0 + $1.references.count }) == referenceCount else {
                    throw BenchError("long-range matcher is not deterministic on \(name)")
                }
                sections = blocks.map { LongRangeReferenceSection.encode($0.references) }
                let rebuilder = try LongRangeRebuilder(window: window, history: history(writing: true))
                var out: [UInt8] = []
                out.reserveCapacity(input.count)
                let t2 = Measurement.threadCPUTime()
                for (k, b) in blocks.enumerated() {
                    let rawSize = Swift.min(blockSize, input.count - k * blockSize)
                    let part = try b.residual.withUnsafeBytes { r in
                        try sections[k].withUnsafeBytes { s in try rebuilder.rebuild(residual: r, section: s, rawSize: rawSize) }
                    }
                    out += part
                }
                let t3 = Measurement.threadCPUTime()
                guard out == input else { throw BenchError("long-range round trip differs on \(name)") }
                residual = blocks.flatMap(\.residual)
                best.residualBytes = residual.count
                best.sectionBytes = sections.reduce(0) { $0 + $1.count }
                best.references = blocks.reduce(0) { $0 + $1.references.count }
                best.anchors = matcher.anchors
                best.verifications = matcher.verifications
                best.matchSeconds = Swift.min(best.matchSeconds, t1 - t0)
                best.rebuildSeconds = Swift.min(best.rebuildSeconds, t3 - t2)
            }
        } catch let e as BenchError {
            throw e
        } catch {
            throw BenchError("long-range stage on \(name): \(error)")
        }
        return (best, residual, sections)
    }

    /// Coded size of `input` with codec `name` at `level`, in chunks of its default block size.
    static func codedSize(_ name: String, _ level: Int, _ input: [UInt8]) throws(BenchError) -> Int {
        guard let d = CodecRegistry.standard.named(name) else { throw BenchError("this build has no \(name)") }
        let codec = d.make(level)
        let chunk = d.blockSize(level)
        var total = 0
        var at = 0
        repeat {
            let n = Swift.min(chunk, input.count - at)
            var coded = ByteBuffer()
            do {
                try input.withUnsafeBytes { raw in try codec.encode(UnsafeRawBufferPointer(rebasing: raw[at..<(at + n)]), into: &coded) }
            } catch { throw BenchError("\(name) -\(level): \(error)") }
            total += coded.count
            at += n
        } while at < input.count
        return total
    }

    /// Size of the .sqz frame of `input` (default block size, two threads), with or
    /// without the long-range stage (window 2^27, as `--long`); the frame is decoded
    /// and compared, so a figure is never of a frame that does not round-trip.
    static func frameSize(_ name: String, _ level: Int, _ input: [UInt8], long: Bool) throws(BenchError) -> Int {
        guard let d = CodecRegistry.standard.named(name) else { throw BenchError("this build has no \(name)") }
        var source = MemorySource(input)
        var sink = MemorySink()
        do {
            _ = try SqzCompressor(descriptor: d, level: level, threads: 2,
                                  longRange: long ? LongRangeSettings(window: LongRangeSettings.defaultWindow) : nil)
                .compress(from: &source, to: &sink)
            var back = MemorySink()
            _ = try SqzDecompressor(registry: .standard).decompress(from: MemorySource(sink.bytes), to: &back,
                                                                     memoryLimit: nil, threads: 2)
            guard back.bytes == input else { throw BenchError("\(name) -\(level): the frame decoded to other bytes") }
        } catch let e as BenchError {
            throw e
        } catch {
            throw BenchError("\(name) -\(level): \(error)")
        }
        return sink.bytes.count
    }

    /// The first of `names` found on PATH.
    static func tool(_ name: String) -> Bool {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").contains { access("\($0)/\(name)", X_OK) == 0 }
    }

    /// `stageOnly`: the stage's speed and cost table alone (seconds, not minutes).
    public static func run(runs: Int = 3, stageOnly: Bool = false) throws(BenchError) -> String {
        let root = try CorpusLocation.root(containing: ["large/bible.txt", "canterbury/alice29.txt"])
        var s = "Long-range stage: window \(window >> 20) MiB, minimum match 64, anchor table \(tableBytes >> 20) MiB, blocks of \(blockSize >> 20) MiB\n"
        s += "MB/s = 10^6 input bytes per CPU second (least of \(runs) runs); cost = (residual + reference sections - input) / input\n\n"

        let random = randomBytes(64 << 20)
        var canterbury: [UInt8] = []
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root + "/canterbury").sorted()) ?? []
        for n in names { canterbury += try CorpusLocation.read(root + "/canterbury/" + n) }
        let bible = try CorpusLocation.read(root + "/large/bible.txt")
        var copies: [UInt8] = []
        copies.reserveCapacity(16 * bible.count)
        for _ in 0..<16 { copies += bible }

        // The 64 MiB as a file: for the pread-backed histories and for the rival tools.
        let tmp = "/tmp/squeeze-long-bench-\(getpid())"
        defer { unlink(tmp); unlink(tmp + ".out") }
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        if fd >= 0 {
            _ = copies.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            close(fd)
        }
        let (r, _, _) = try stage("random 64 MiB", random, runs: runs)
        let (c, cResidual, cSections) = try stage("canterbury (\(names.count) files)", canterbury, runs: runs)
        let (b, bResidual, bSections) = try stage("16 x bible.txt", copies, runs: runs)
        // Hard cases for the matcher: one byte value (every byte or no byte an anchor), and
        // 500-byte local repeats, each verified at several anchors and then left to the coder.
        let zeros = [UInt8](repeating: 0, count: 16 << 20)
        var local = randomBytes(16 << 20)
        for at in stride(from: 1000, to: local.count - 600, by: 1000) {
            for j in 0..<500 { local[at + j] = local[at - 700 + j] }
        }
        let (z, _, _) = try stage("zeros 16 MiB", zeros, runs: runs)
        let (l, _, _) = try stage("500-byte local repeats", local, runs: runs)
        let (bf, _, bfSections) = try stage("16 x bible.txt, pread", copies, runs: runs, file: tmp)
        guard bf.residualBytes == b.residualBytes, bfSections == bSections else {
            throw BenchError("the pread-backed histories gave other references than the in-memory ones")
        }
        s += pad("input", 26) + pad("bytes", 11) + pad("residual", 11) + pad("refs", 6) + pad("sections", 9)
            + pad("cost %", 9) + pad("match MB/s", 11) + pad("rebuild MB/s", 13) + pad("anchors", 9) + "verified\n"
        for f in [r, c, b, bf, z, l] {
            s += pad(f.name, 26) + pad(String(f.inputBytes), 11) + pad(String(f.residualBytes), 11) + pad(String(f.references), 6)
                + pad(String(f.sectionBytes), 9) + pad(fmt(f.cost * 100, 4), 9) + pad(fmt(f.matchMBps, 1), 11)
                + pad(fmt(f.rebuildMBps, 1), 13) + pad(String(f.anchors), 9) + String(f.verifications) + "\n"
        }
        s += "(pread: both histories read back from files, the rebuilder's written with pwrite)\n"
        s += "targets (input without long repeats): >= 300 MB/s, cost < 0.5%\n\n"
        let cBefore = try codedSize("lz77", 6, canterbury)
        let cAfter = try codedSize("lz77", 6, cResidual) + cSections.reduce(0) { $0 + $1.count }
        s += "canterbury with lz77 -6: \(cBefore) bytes; residual + sections: \(cAfter) (\(fmt(Double(cAfter - cBefore) / Double(cBefore) * 100, 2))%)\n\n"

        if stageOnly { return s }

        let sectionBytes = bSections.reduce(0) { $0 + $1.count }
        s += "16 x bible.txt (\(copies.count) bytes): residual \(bResidual.count) bytes (one copy is \(bible.count)), sections \(sectionBytes) bytes\n"
        s += "our coders: .sqz frames as `squeeze -a CODEC -9` and `--long=27` write them (one copy alone: without --long), each decoded back and compared\n"
        s += pad("coder", 22) + pad("one copy", 11) + pad("16 copies --long", 19) + "vs one copy\n"
        for (name, level) in [("lz77", 9), ("bwt", 9), ("ppm", 9), ("cm", 9)] {
            let one = try frameSize(name, level, bible, long: false)
            let long = try frameSize(name, level, copies, long: true)
            s += pad("\(name) -\(level)", 22) + pad(String(one), 11) + pad(String(long), 19)
                + (long >= one ? "+" : "") + fmt(Double(long - one) / Double(one) * 100, 2) + "%\n"
        }
        for (tool, argv) in [("xz", ["xz", "-9e", "-c", "-T1"]), ("zstd", ["zstd", "-19", "--long=27", "-c", "-q"])] {
            guard Self.tool(tool) else { s += pad(argv.joined(separator: " "), 22) + "skipped: \(tool) is not installed\n"; continue }
            guard let seconds = ChildProcess.cpuSeconds(argv, stdin: tmp, stdout: tmp + ".out") else {
                s += pad(argv.joined(separator: " "), 22) + "failed\n"; continue
            }
            var st = stat()
            let size = stat(tmp + ".out", &st) == 0 ? Int(st.st_size) : -1
            s += pad(argv.filter { $0 != "-c" && $0 != "-q" && $0 != "-T1" }.joined(separator: " "), 22)
                + pad("", 11) + pad(String(size), 19) + "(whole 64 MiB, \(fmt(seconds, 1)) CPU s)\n"
        }
        s += "\n" + (try twoVersions(repository: root + "/..", scratch: tmp + ".two"))
        return s
    }

    /// The two-versions table alone (`squeeze bench long-versions`).
    public static func runVersions() throws(BenchError) -> String {
        let root = try CorpusLocation.root(containing: ["large/bible.txt"])
        return try twoVersions(repository: root + "/..", scratch: "/tmp/squeeze-long-bench-\(getpid()).two")
    }

    /// The two commits of this repository whose trees `twoVersions` tars together
    /// (a day apart: wave two's trust and classroom work in between).
    public static let versionCommits = ("f3ee01f", "20127e0")

    /// The issue's second target: a pax tar of two versions of this repository's
    /// tree (`git archive` of `versionCommits`, owners and order fixed, so every
    /// clone makes the same tar), with and without `--long`, beside `zstd -19 --long=31`.
    static func twoVersions(repository: String, scratch: String) throws(BenchError) -> String {
        let (old, new) = versionCommits
        guard tool("git"), tool("tar") else { return "two versions: skipped (needs git and GNU tar)\n" }
        defer { _ = ChildProcess.cpuSeconds(["rm", "-rf", scratch], stdin: "/dev/null", stdout: "/dev/null") }
        let script = """
            set -e; mkdir -p '\(scratch)/v1' '\(scratch)/v2'
            git -C '\(repository)' archive \(old) | tar -x -C '\(scratch)/v1'
            git -C '\(repository)' archive \(new) | tar -x -C '\(scratch)/v2'
            tar --format=pax --sort=name --owner=0 --group=0 --numeric-owner --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \\
                -cf '\(scratch)/two.tar' -C '\(scratch)' v1 v2
            """
        guard ChildProcess.cpuSeconds(["sh", "-c", script], stdin: "/dev/null", stdout: "/dev/null") != nil else {
            return "two versions: skipped (git archive of \(old) and \(new) failed: not a clone of the repository with its history?)\n"
        }
        let tar = try CorpusLocation.read(scratch + "/two.tar")
        var s = "two versions of this repository (git archive \(old) and \(new)), one pax tar of \(tar.count) bytes\n"
        s += pad("coder", 24) + pad("without --long", 16) + pad("--long", 12) + "change\n"
        for (name, level) in [("lz77", 6), ("lz77", 9), ("bwt", 9), ("ppm", 9)] {
            let without = try frameSize(name, level, tar, long: false)
            let with = try frameSize(name, level, tar, long: true)
            s += pad("\(name) -\(level)", 24) + pad(String(without), 16) + pad(String(with), 12)
                + fmt(Double(with - without) / Double(without) * 100, 1) + "%\n"
        }
        for argv in [["zstd", "-19", "-c", "-q"], ["zstd", "-19", "--long=31", "-c", "-q"], ["xz", "-9e", "-c", "-T1"]] {
            guard tool(argv[0]) else { s += pad(argv.joined(separator: " "), 24) + "skipped: not installed\n"; continue }
            guard let seconds = ChildProcess.cpuSeconds(argv, stdin: scratch + "/two.tar", stdout: scratch + "/two.out") else {
                s += pad(argv.joined(separator: " "), 24) + "failed\n"; continue
            }
            var st = stat()
            let size = stat(scratch + "/two.out", &st) == 0 ? Int(st.st_size) : -1
            s += pad(argv.filter { $0 != "-c" && $0 != "-q" && $0 != "-T1" }.joined(separator: " "), 24)
                + pad(String(size), 16) + "(\(fmt(seconds, 1)) CPU s)\n"
        }
        s += "targets: --long at least 40% smaller than without, and smaller than zstd -19 --long=31\n"
        return s
    }

}

extension LongRangeBenchmark {
    /// Random bytes (SplitMix64 from a fixed seed), the same on every run.
    static func randomBytes(_ count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var state: UInt64 = 0x4C4F_4E47
        out.withUnsafeMutableBytes { b in
            var i = 0
            while i + 8 <= b.count {
                state &+= 0x9E37_79B9_7F4A_7C15
                var z = state
                z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                b.storeBytes(of: z ^ (z >> 31), toByteOffset: i, as: UInt64.self)
                i += 8
            }
        }
        return out
    }
}

extension LongRangeBenchmark {
    /// The issue's last target: a generated input of `size` bytes whose every
    /// 64 MiB segment is the one before it with a few bytes changed (the first
    /// is random), so every repeat lies 64 MiB back, within the default window.
    /// Runs this executable as a child on it: `-c --long` (lz77 -1, -T `threads`),
    /// `-d` to a file (history read back from the output) and `-dc` to a pipe
    /// (window in memory), each with its wall time and peak RSS against the
    /// bounds docs/LONG.md gives.
    public static func runLarge(size: Int64, threads: Int, executable: String? = nil) throws(BenchError) -> String {
        guard let exe = executable ?? Isolation.currentExecutable else { throw BenchError("cannot find the squeeze executable") }
        let segment = 64 << 20
        guard size >= Int64(segment) else { throw BenchError("--large must be at least 64M") }
        let dir = "/tmp/squeeze-long-large-\(getpid())"
        let input = dir + "/input", packed = dir + "/input.sqz", back = dir + "/back"
        defer { _ = ChildProcess.cpuSeconds(["rm", "-rf", dir], stdin: "/dev/null", stdout: "/dev/null") }
        guard mkdir(dir, 0o700) == 0 else { throw BenchError("cannot make \(dir): \(systemErrorMessage())") }
        let t0 = Measurement.now()
        var block = randomBytes(segment)
        let fd = open(input, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw BenchError("cannot write \(input): \(systemErrorMessage())") }
        var written: Int64 = 0
        var k = 0
        while written < size {
            if k > 0 {
                // A few changed bytes per segment: each copy is near, not equal, to the one before.
                for j in 0..<16 { block[(k * 7_919_993 + j * 4_194_301) % segment] &+= 1 }
            }
            let n = Int(Swift.min(Int64(segment), size - written))
            let ok = block.withUnsafeBytes { p -> Bool in
                var at = 0
                while at < n {
                    let w = write(fd, p.baseAddress! + at, n - at)
                    if w < 0 && errno == EINTR { continue }
                    if w <= 0 { return false }
                    at += w
                }
                return true
            }
            guard ok else { close(fd); throw BenchError("cannot write \(input): \(systemErrorMessage())") }
            written += Int64(n)
            k += 1
        }
        close(fd)
        let generated = Measurement.now() - t0
        guard let d = CodecRegistry.standard.named("lz77") else { throw BenchError("this build has no lz77") }
        let blockSize = d.blockSize(1)
        let perThreads = 4 * blockSize * threads + (64 << 20)
        let window = Int(LongRangeSettings.defaultWindow)
        let tableBytesDefault = LongRangeSettings(window: LongRangeSettings.defaultWindow).hashTableBytes
        var s = "Generated input: \(size) bytes, 64 MiB segments each the one before with 16 bytes changed (\(ArchiveBenchmark.seconds(generated)) to write)\n"
        s += "lz77 -1, blocks of \(blockSize >> 20) MiB, -T \(threads), --long (window \(window >> 20) MiB, table \(tableBytesDefault >> 20) MiB)\n"
        let steps: [(String, [String], String, Int)] = [
            ("compress -c --long", [exe, "-c", "-q", "--long", "-a", "lz77", "-1", "-T", String(threads), input], packed,
             window + tableBytesDefault + perThreads),
            ("decompress to a file (-d -o)", [exe, "-d", "-q", "-f", "-T", String(threads), "-o", back, packed], "/dev/null", perThreads),
            ("decompress to a pipe (-dc)", [exe, "-dc", "-q", "-T", String(threads), packed], "/dev/null", window + perThreads),
        ]
        s += pad("step", 32) + pad("wall", 10) + pad("MB/s", 9)
            + pad("peak RSS", 12) + pad("bound", 11) + "within\n"
        for (label, argv, out, bound) in steps {
            let r = ChildProcess.run(argv, stdout: out, peakMemory: true)
            guard r.status == 0 else { throw BenchError("\(label) failed (status \(r.status)): \(r.errorText)") }
            var note = ""
            if label.hasPrefix("compress") {
                var st = stat()
                if stat(packed, &st) == 0 { note = " → \(st.st_size) bytes" }
            }
            s += pad(label, 32) + pad(ArchiveBenchmark.seconds(r.seconds), 10)
                + pad(fmt(Double(size) / 1e6 / r.seconds, 0), 9)
                + pad("\(r.peakRSS >> 20) MiB", 12) + pad("\(bound >> 20) MiB", 11)
                + (r.peakRSS <= Int64(bound) ? "yes" : "NO") + note + "\n"
        }
        let same = ChildProcess.cpuSeconds(["cmp", "-s", input, back], stdin: "/dev/null", stdout: "/dev/null") != nil
        s += "decoded file equals the input: \(same ? "yes" : "NO")\n"
        s += "bounds: window + table + 4 × block × threads + 64 MiB to compress; 4 × block × threads + 64 MiB to decode to a file; plus the window to a pipe\n"
        return s
    }
}
