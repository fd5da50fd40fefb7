import Foundation
import Testing
import TestSupport

@Suite struct CompareShardTests {
    /// Rows as the JSON report gives them, without timings.
    static func rows(_ json: String) throws -> [String] {
        let root = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let results = try #require(root["results"] as? [[String: Any]])
        return results.map { r in
            ["corpus", "file", "codec", "status", "compressedBytes", "originalBytes", "h0", "bestBound"].map { "\(r[$0] ?? "-")" }.joined(separator: " ")
        }
    }

    static func totals(_ json: String) throws -> [String] {
        let root = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let corpora = try #require(root["corpora"] as? [[String: Any]])
        return corpora.flatMap { c in
            ((c["totals"] as? [[String: Any]]) ?? []).map { "\(c["name"] ?? "") \(c["files"] ?? "") \($0["codec"] ?? "") \($0["compressedBytes"] ?? "")" }
        }
    }

    /// N shards of a corpus, merged with --from-json, equal one unsharded run (apart from timings),
    /// for every N from 1 to more shards than files; the same shard twice is refused.
    @Test func shardsMergedEqualOneRun() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir + "/corpus/sub", withIntermediateDirectories: true)
        for (i, name) in ["a.txt", "b.bin", "c.txt", "d.bin", "sub/e.txt", "sub/f.bin"].enumerated() {
            let bytes = name.hasSuffix(".txt") ? Array(String(repeating: "to be or not to be \(i) ", count: 40 + 30 * i).utf8)
                : Generators.skewed(1500 + 700 * i, seed: UInt64(i))
            try Data(bytes).write(to: URL(fileURLWithPath: dir + "/corpus/" + name))
        }
        let common = ["compare", "corpus", "--algos", "huffman,lz77", "--baselines", "zlib:9", "--json", "-q"]
        let whole = try SqueezeCommand.run(common, in: dir)
        #expect(whole.status == 0, "\(whole.stderr)")
        for n in [1, 2, 4, 7] {
            var names: [String] = []
            var sizes: [Int] = []
            for i in 0..<n {
                let r = try SqueezeCommand.run(common + ["--shard", "\(i)/\(n)"], in: dir)
                #expect(r.status == 0, "\(r.stderr)")
                try Data(r.stdout).write(to: URL(fileURLWithPath: "\(dir)/s\(i).json"))
                names.append("s\(i).json")
                sizes.append(try Self.rows(r.stdoutText).count)
            }
            // Round-robin: shard sizes differ by at most one file (three candidates a file).
            #expect((sizes.max() ?? 0) - (sizes.min() ?? 0) <= 3)
            let merged = try SqueezeCommand.run(["compare", "--from-json"] + names + ["--json"], in: dir)
            #expect(merged.status == 0, "\(merged.stderr)")
            #expect(try Self.rows(merged.stdoutText) == Self.rows(whole.stdoutText), "n = \(n)")
            #expect(try Self.totals(merged.stdoutText) == Self.totals(whole.stdoutText), "n = \(n)")
        }
        let twice = try SqueezeCommand.run(["compare", "--from-json", "s0.json", "s0.json"], in: dir)
        #expect(twice.status == 1 && twice.stderr.contains("is also in s0.json"))
        let bad = try SqueezeCommand.run(common + ["--shard", "3/3"], in: dir)
        #expect(bad.status == 2 && bad.stderr.contains("I counts from 0"))
    }
}
