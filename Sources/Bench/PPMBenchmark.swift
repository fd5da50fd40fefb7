import SqueezeKit
#if canImport(Glibc)
import Glibc
#endif

/// `ppm` at its default level (-5, order 6) against 7-Zip's PPMd at order 6
/// (`7zz a -mmt1 -m0=PPMd:o=6`, a whole process, one thread) on book1 and
/// bible.txt: compress and decompress speed (10^6 raw bytes per second, best
/// of `runs`), bytes, and the ratio of our speed to 7-Zip's. The two coders
/// take turns within each run, so both meet the same machine load, and every
/// ratio printed comes from this one run. Wall time is the figure; CPU time
/// (ours: this thread's; 7zz: the child's user + system, start-up included) is
/// printed beside it because it is steadier on a loaded machine.
/// On book1 the teaching variants `ppma`, `ppmb`, `ppmc` and `ppmd` follow,
/// with the model's growth of this process's peak memory.
/// Run from the repository (the default paths are relative).
public enum PPMBenchmark {
    public struct Row: Sendable {
        public let name: String
        public let codedBytes: Int
        public let bitsPerByte: Double
        public let compressMBps: Double
        public let decompressMBps: Double
        /// The same from CPU seconds (0 if not measured).
        public let compressCPUMBps: Double
        public let decompressCPUMBps: Double
        /// Peak resident memory of this process while coding (0 if unknown).
        public let peakMemory: Int64
    }

    /// ppm -5 beside 7zz PPMd o6 on one file (`peer` nil when 7zz is missing or failed).
    public struct Pair: Sendable {
        public let file: String
        public let ours: Row
        public let peer: Row?
        public var compressRatio: Double { peer.map { ours.compressMBps / $0.compressMBps } ?? 0 }
        public var decompressRatio: Double { peer.map { ours.decompressMBps / $0.decompressMBps } ?? 0 }
    }

    public struct Result: Sendable {
        public let pairs: [Pair]
        /// book1 at the default level of every variant (ppm first).
        public let rows: [Row]
        public let report: String
    }

    /// `paths` nil: calgary/book1 and large/bible.txt from the corpora (`CorpusLocation`).
    public static func run(paths: [String]? = nil, runs: Int = 3) throws(BenchError) -> Result {
        var files: [String] = []
        if let paths { files = paths } else {
            files = [try CorpusLocation.file("calgary/book1"), try CorpusLocation.file("large/bible.txt")]
        }
        let has7zz = ChildProcess.isInstalled("7zz")
        var failures: [String] = []
        var pairs: [Pair] = []
        for path in files {
            let input = try CorpusLocation.read(path)
            guard let d = CodecRegistry.ours.named("ppm") else { break }
            let codec = d.make(d.defaultLevel)
            var ours = Timing(), peer = Timing()
            var coded = ByteBuffer()
            var peerBytes = 0
            var peerOK = has7zz
            let archive = "/tmp/squeeze-ppm-bench-\(getpid()).7z"
            let restored = "/tmp/squeeze-ppm-bench-\(getpid()).out"
            for _ in 0..<Swift.max(runs, 1) {
                if !ours.time(codec, input, &coded) { failures.append("ppm -\(d.defaultLevel): round trip failed on \(path)") }
                guard peerOK else { continue }
                unlink(archive)
                let c = ChildProcess.run(["7zz", "a", "-bd", "-y", "-mmt1", "-m0=PPMd:o=6", archive, path],
                                         stdout: "/dev/null", searchPath: true)
                let e = ChildProcess.run(["7zz", "e", "-so", archive], stdout: restored, searchPath: true)
                guard c.status == 0, e.status == 0 else {
                    failures.append("7zz PPMd on \(path): \(c.status != 0 ? c.errorText : e.errorText)")
                    peerOK = false
                    continue
                }
                peer.note(compress: c.seconds, c.cpuSeconds, decompress: e.seconds, e.cpuSeconds)
                peerBytes = fileSize(archive)
            }
            if peerOK && readCorpusFile(restored) != input {
                failures.append("7zz PPMd round trip failed on \(path)")
                peerOK = false
            }
            unlink(archive)
            unlink(restored)
            let name = String(path.split(separator: "/").last ?? Substring(path))
            pairs.append(Pair(file: name,
                              ours: ours.row("ppm -\(d.defaultLevel)", bytes: coded.count, count: input.count, peak: 0),
                              peer: peerOK ? peer.row("7zz PPMd o6", bytes: peerBytes, count: input.count, peak: 0) : nil))
        }
        let rows = try variants(on: files.first, &failures)
        return Result(pairs: pairs, rows: rows, report: report(pairs, rows, failures, runs: runs, has7zz: has7zz))
    }

    /// Best times of one coder over the runs.
    struct Timing {
        var enc = Double.infinity, dec = Double.infinity, encCPU = Double.infinity, decCPU = Double.infinity

        mutating func note(compress: Double, _ compressCPU: Double, decompress: Double, _ decompressCPU: Double) {
            enc = Swift.min(enc, compress)
            dec = Swift.min(dec, decompress)
            encCPU = Swift.min(encCPU, compressCPU)
            decCPU = Swift.min(decCPU, decompressCPU)
        }

        /// Codes `input` once each way in this thread; false if the round trip failed.
        mutating func time(_ codec: any Codec, _ input: [UInt8], _ coded: inout ByteBuffer) -> Bool {
            var ok = true
            coded = ByteBuffer()
            let t0 = Measurement.now(), c0 = Measurement.threadCPUTime()
            do { try input.withUnsafeBytes { raw in try codec.encode(raw, into: &coded) } } catch { ok = false }
            let t1 = Measurement.now(), c1 = Measurement.threadCPUTime()
            var out = ByteBuffer(capacity: input.count)
            do { try coded.withUnsafeBytes { raw in try codec.decode(raw, originalCount: input.count, into: &out) } } catch { ok = false }
            let t2 = Measurement.now(), c2 = Measurement.threadCPUTime()
            note(compress: t1 - t0, c1 - c0, decompress: t2 - t1, c2 - c1)
            return ok && out.bytes == input
        }

        func row(_ name: String, bytes: Int, count: Int, peak: Int64) -> Row {
            Row(name: name, codedBytes: bytes, bitsPerByte: Double(bytes * 8) / Double(Swift.max(count, 1)),
                compressMBps: mbps(count, enc), decompressMBps: mbps(count, dec),
                compressCPUMBps: mbps(count, encCPU), decompressCPUMBps: mbps(count, decCPU), peakMemory: peak)
        }
    }

    /// Every PPM variant at its default level on `path` (book1), with peak memory.
    static func variants(on path: String?, _ failures: inout [String]) throws(BenchError) -> [Row] {
        guard let path else { return [] }
        let input = try CorpusLocation.read(path)
        var rows: [Row] = []
        for name in ["ppm", "ppma", "ppmb", "ppmc", "ppmd"] {
            guard let d = CodecRegistry.ours.named(name) else { continue }
            let codec = d.make(d.defaultLevel)
            var coded = ByteBuffer()
            var t = Timing()
            _ = Measurement.resetPeakMemory()
            let before = Measurement.residentMemory().current
            if !t.time(codec, input, &coded) { failures.append("\(name) -\(d.defaultLevel): round trip failed on \(path)") }
            let peak = Measurement.residentMemory().peak
            rows.append(t.row("\(name) -\(d.defaultLevel)", bytes: coded.count, count: input.count,
                              peak: Swift.max(0, peak - Swift.min(before, peak))))
        }
        return rows
    }

    static func report(_ pairs: [Pair], _ rows: [Row], _ failures: [String], runs: Int, has7zz: Bool) -> String {
        var s = "ppm -5 beside 7-Zip PPMd order 6 (7zz a -mmt1 -m0=PPMd:o=6, a whole process), taking turns; "
        s += "MB/s of raw data, best of \(runs); wall time, CPU time in brackets\n"
        s += pad("file", 12) + pad("coder", 14) + pad("bytes", 10) + pad("bits/byte", 11)
        s += pad("comp MB/s", 20) + pad("decomp MB/s", 20) + "ours/7zz comp, decomp\n"
        for p in pairs {
            for (r, isOurs) in [(p.ours, true)] + (p.peer.map { [($0, false)] } ?? []) {
                s += pad(p.file, 12) + pad(r.name, 14) + pad(String(r.codedBytes), 10) + pad(fmt(r.bitsPerByte, 3), 11)
                s += pad("\(fmt(r.compressMBps, 2)) (\(fmt(r.compressCPUMBps, 2)))", 20)
                s += pad("\(fmt(r.decompressMBps, 2)) (\(fmt(r.decompressCPUMBps, 2)))", 20)
                if isOurs, let z = p.peer {
                    s += "\(fmt(p.compressRatio, 2))x, \(fmt(p.decompressRatio, 2))x"
                    s += " (CPU \(fmt(r.compressCPUMBps / z.compressCPUMBps, 2))x, \(fmt(r.decompressCPUMBps / z.decompressCPUMBps, 2))x)"
                }
                s += "\n"
            }
        }
        if !has7zz { s += "7zz not on PATH: no 7-Zip PPMd comparison\n" }
        if !rows.isEmpty {
            s += "\nThe variants at their default levels on \(pairs.first?.file ?? "book1") (one run; "
            s += "peak RSS: growth of this process's high-water mark while coding)\n"
            s += pad("coder", 14) + pad("bytes", 9) + pad("bits/byte", 11) + pad("comp MB/s", 11) + pad("decomp MB/s", 13) + "peak RSS MiB\n"
            for r in rows {
                s += pad(r.name, 14) + pad(String(r.codedBytes), 9) + pad(fmt(r.bitsPerByte, 3), 11) + pad(fmt(r.compressMBps, 2), 11)
                s += pad(fmt(r.decompressMBps, 2), 13) + fmt(Double(r.peakMemory) / 1048576, 1) + "\n"
            }
        }
        for f in failures { s += "FAILED: \(f)\n" }
        return s
    }

    static func fileSize(_ path: String) -> Int {
        var st = stat()
        return stat(path, &st) == 0 ? Int(st.st_size) : 0
    }

    static func fmt(_ x: Double, _ digits: Int) -> String {
        var p = 1.0
        for _ in 0..<digits { p *= 10 }
        return String((x * p).rounded() / p)
    }
}
