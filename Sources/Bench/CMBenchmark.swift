import Foundation
import SqueezeKit
#if canImport(Glibc)
import Glibc
#endif

/// `squeeze bench cm`: the context-mixing codec at levels 1, 5 (default) and
/// 9 beside our `ppm -9` and the system xz -9 on book1 and bible.txt, then
/// Calgary-14 file by file at `cm -5` and `cm -9` (issue 21's targets: the
/// default level at least 1.0 MB/s both ways, the strongest at least 0.25 MB/s,
/// Calgary-14 at most 1.70 bits/byte at level 9).
///
/// Speeds are MB/s of raw data, thread CPU time, best of `runs`, one thread,
/// each file coded whole as one block by `Codec.encode` (no container); the
/// peers zpaq -m5 and 7-Zip PPMd run as processes beside them (`peers`).
public enum CMBenchmark {
    public struct Report: Sendable, CustomStringConvertible {
        public let speeds: [(file: String, bytes: Int, rows: [EntropyBenchmark.SpeedRow])]
        public let calgary: [(file: String, bytes: Int, sizes: [Int])]
        public let calgaryLevels: [Int]

        public var description: String {
            var s = ""
            for (file, bytes, rows) in speeds {
                s += "\(file) (\(bytes) bytes); MB/s of raw data, thread CPU time, one thread, in memory\n"
                s += pad("coder", 16) + pad("bytes", 11) + pad("bits/byte", 11) + pad("enc MB/s", 10) + pad("dec MB/s", 10) + "\n"
                for r in rows {
                    s += pad(r.name, 16) + pad(String(r.codedBytes), 11)
                    s += pad(fmt(Double(r.codedBytes) * 8 / Double(max(1, bytes)), 3), 11)
                    s += pad(fmt(r.encodeMBps, 2), 10) + pad(fmt(r.decodeMBps, 2), 10) + "\n"
                }
                s += "\n"
            }
            s += "Calgary-14, each file whole as one block\n"
            s += pad("file", 10) + pad("bytes", 10) + calgaryLevels.map { pad("cm -\($0)", 16) }.joined() + "\n"
            var raw = 0
            var totals = [Int](repeating: 0, count: calgaryLevels.count)
            for (file, bytes, sizes) in calgary {
                raw += bytes
                s += pad(file, 10) + pad(String(bytes), 10)
                for (k, size) in sizes.enumerated() {
                    totals[k] += size
                    s += pad("\(size) \(fmt(Double(size) * 8 / Double(max(1, bytes)), 3))", 16)
                }
                s += "\n"
            }
            s += pad("total", 10) + pad(String(raw), 10)
            for t in totals { s += pad("\(t) \(fmt(Double(t) * 8 / Double(max(1, raw)), 4))", 16) }
            return s + "\n"
        }
    }

    public static func run(runs: Int = 2) throws(BenchError) -> Report {
        let root = try CorpusLocation.root(containing: ["calgary/book1", "large/bible.txt"])
        var speeds: [(String, Int, [EntropyBenchmark.SpeedRow])] = []
        for file in ["calgary/book1", "large/bible.txt"] {
            let data = try CorpusLocation.read(root + "/" + file)
            var rows: [EntropyBenchmark.SpeedRow] = []
            for level in [1, 5, 9] {
                rows.append(EntropyBenchmark.codecRow("cm -\(level)", CMCodec(level: level), data, runs: level == 9 ? 1 : runs))
            }
            if let ppm = CodecRegistry.standard.named("ppm") {
                rows.append(EntropyBenchmark.codecRow("ppm -9", ppm.make(9), data, runs: 1))
            }
            if let xz = CodecRegistry.standard.named("xz"), xz.levels.contains(9) {
                rows.append(EntropyBenchmark.codecRow("xz -9", xz.make(9), data, runs: 1))
            }
            rows += try peers(root + "/" + file, bytes: data.count)
            speeds.append((file, data.count, rows))
        }
        let levels = [5, 9]
        var calgary: [(String, Int, [Int])] = []
        for name in ["bib", "book1", "book2", "geo", "news", "obj1", "obj2", "paper1", "paper2", "pic",
                     "progc", "progl", "progp", "trans"] {
            let data = try CorpusLocation.read(root + "/calgary/" + name)
            calgary.append((name, data.count, levels.map { EntropyBenchmark.encodedSize(CMCodec(level: $0), data) }))
        }
        return Report(speeds: speeds, calgary: calgary, calgaryLevels: levels)
    }

    /// The installed peers the issue names, each as a process (CPU time of the
    /// child, start-up included, so a little below their in-memory speed):
    /// zpaq -m5 and 7-Zip's PPMd at order 6 (its default 16 MB) and order 16
    /// with 256 MB. Each round trip is checked; a peer not installed is a row
    /// saying so (scripts/setup.sh installs zpaq and 7zip).
    static func peers(_ path: String, bytes: Int) throws(BenchError) -> [EntropyBenchmark.SpeedRow] {
        let work = try ArchiveBenchmark.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: work) }
        let name = (path as NSString).lastPathComponent
        do { try FileManager.default.copyItem(atPath: path, toPath: work + "/" + name) } catch {
            throw BenchError("cannot copy \(path) to \(work): \(error)")
        }
        var rows: [EntropyBenchmark.SpeedRow] = []
        let peers: [(label: String, tool: String, archive: String, compress: [String], extract: [String])] = [
            ("zpaq -m5", "zpaq", "a.zpaq", ["zpaq", "a", "a.zpaq", name, "-m5"], ["zpaq", "x", "a.zpaq", "-to", "out"]),
            ("7-Zip PPMd o6", "7zz", "o6.7z", ["7zz", "a", "-bd", "-m0=PPMd:o=6", "o6.7z", name], ["7zz", "e", "-bd", "-oout", "o6.7z"]),
            ("7-Zip PPMd o16 256m", "7zz", "o16.7z", ["7zz", "a", "-bd", "-m0=PPMd:o=16:mem=256m", "o16.7z", name],
             ["7zz", "e", "-bd", "-oout", "o16.7z"]),
        ]
        let here = FileManager.default.currentDirectoryPath
        guard chdir(work) == 0 else { throw BenchError("cannot enter \(work)") }
        defer { _ = chdir(here) }
        for peer in peers {
            guard ChildProcess.isInstalled(peer.tool) else {
                rows.append(EntropyBenchmark.SpeedRow(name: peer.label + " (not installed)", codedBytes: 0, encodeMBps: 0, decodeMBps: 0))
                continue
            }
            for old in ["out", peer.archive] { try? FileManager.default.removeItem(atPath: old) }
            guard let enc = ChildProcess.cpuSeconds(peer.compress, stdout: "/dev/null"),
                  let dec = ChildProcess.cpuSeconds(peer.extract, stdout: "/dev/null"),
                  FileManager.default.contentsEqual(atPath: name, andPath: "out/" + name) else {
                throw BenchError("\(peer.label) failed or did not round-trip \(name)")
            }
            let size = (try? FileManager.default.attributesOfItem(atPath: peer.archive)[.size] as? Int) ?? 0
            rows.append(EntropyBenchmark.SpeedRow(name: peer.label, codedBytes: size,
                                                  encodeMBps: Double(bytes) / 1e6 / Swift.max(enc, 1e-9),
                                                  decodeMBps: Double(bytes) / 1e6 / Swift.max(dec, 1e-9)))
        }
        return rows
    }
}
