import Foundation
import Testing
import TestSupport

private func json(_ r: SqueezeCommand.Result) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(r.stdout)) as? [String: Any], "\(r.stderr)")
}

/// Item: `squeeze generate` — reproducible synthetic sources and their exact entropy rates.
@Suite struct GenerateCLITests {
    @Test func sameSeedSameBytesAndPinnedPrefix() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // The same bytes as the library's pinned output (Tests/EntropyTests/EntropyRateTests.swift).
        let iid = try SqueezeCommand.run(["generate", "iid", "--seed", "1", "--bytes", "16"], in: dir)
        #expect(iid.status == 0, "\(iid.stderr)")
        #expect(iid.stdoutText == "bbbabaaacbdddbbd")
        let a = try SqueezeCommand.run(["generate", "markov", "--order", "2", "--seed", "7", "--bytes", "64K"], in: dir)
        let b = try SqueezeCommand.run(["generate", "markov", "--order", "2", "--seed", "7", "--bytes", "65536", "-o", "m.txt"], in: dir)
        #expect(a.status == 0 && b.status == 0 && b.stdout.isEmpty)
        #expect(a.stdout.count == 65536)
        #expect(try TestFiles.read(dir + "/m.txt") == a.stdout)
        let other = try SqueezeCommand.run(["generate", "markov", "--order", "2", "--seed", "8", "--bytes", "64K"], in: dir)
        #expect(other.stdout != a.stdout)
        // Longer output (streamed in 1 MiB pieces) starts with the shorter one.
        let long = try SqueezeCommand.run(["generate", "hmm", "--seed", "3", "--bytes", "1100000"], in: dir)
        let short = try SqueezeCommand.run(["generate", "hmm", "--seed", "3", "--bytes", "1000"], in: dir)
        #expect(long.stdout.count == 1_100_000 && Array(long.stdout.prefix(1000)) == short.stdout)
        #expect(Set(long.stdout) == Set("abcd".utf8))
    }

    @Test func infoGivesTheExactRate() throws {
        let dir = NSTemporaryDirectory()
        let text = try SqueezeCommand.run(["generate", "iid", "--info"], in: dir)
        #expect(text.status == 0)
        #expect(text.stdoutText.contains("1.750000 bits/symbol"), "\(text.stdoutText)")
        let uniform = try json(try SqueezeCommand.run(["generate", "iid", "--alphabet", "8", "--info", "--json"], in: dir))
        #expect(abs((uniform["bitsPerSymbol"] as? Double ?? 0) - 3) < 1e-9)
        // By hand: π = (0.75, 0.25), H = 0.75 h(0.1) + 0.25 h(0.3).
        func h(_ p: Double) -> Double { -p * log2(p) - (1 - p) * log2(1 - p) }
        let chain = try json(try SqueezeCommand.run(["generate", "markov", "--matrix", "0.9,0.1;0.3,0.7", "--info", "--json"], in: dir))
        #expect(abs((chain["bitsPerByte"] as? Double ?? 0) - (0.75 * h(0.1) + 0.25 * h(0.3))) < 1e-8)
        #expect((chain["entropyRate"] as? [String: Any])?["exact"] as? Bool == true)
        let hmm = try json(try SqueezeCommand.run(["generate", "hmm", "--info", "--json"], in: dir))
        let rate = try #require(hmm["entropyRate"] as? [String: Any])
        let lower = rate["lower"] as? Double ?? 9, upper = rate["upper"] as? Double ?? -1
        #expect(rate["exact"] as? Bool == false)
        #expect(lower <= upper && upper - lower < 1e-4 && lower > 1)
        #expect((hmm["method"] as? String)?.contains("Birch") == true)
    }

    @Test func badParametersAreUsageErrors() throws {
        let dir = NSTemporaryDirectory()
        for (args, message) in [
            (["generate", "iid"], "give --bytes"),
            (["generate", "markov", "--matrix", "1,1;1", "--info"], "row 2 has 1 weights"),
            (["generate", "markov", "--order", "2", "--matrix", "1,1;1,1", "--info"], "needs 2^2 = 4 rows"),
            (["generate", "markov", "--order", "4", "--info"], "--order must be in 1…3"),
            (["generate", "iid", "--probabilities", "0.5,-1", "--info"], "'-1' in row 1"),
            (["generate", "hmm", "--matrix", "1,1;1,1", "--info"], "together"),
            (["generate", "iid", "--bytes", "lots"], "is not a size"),
        ] {
            let r = try SqueezeCommand.run(args, in: dir)
            #expect(r.status == 2, "\(args)")
            #expect(r.stderr.contains(message), "\(args): \(r.stderr)")
        }
    }
}

/// Items: estimate counts our strongest codec among the achievable figures, and shows
/// entropy-rate estimates apart from them, near the true rate of a generated source.
@Suite struct EstimateRatesAndBoundsCLITests {
    @Test func strongestCodecJoinsTheBestBound() throws {
        let r = try SqueezeCommand.run(["estimate", "--format", "json", "calgary/paper1"], in: TestCorpus.root)
        #expect(r.status == 0, "\(r.stderr)")
        let file = try #require((try json(r)["files"] as? [[String: Any]])?.first)
        let bounds = file["bounds"] as? [[String: Any]] ?? []
        #expect(bounds.map { $0["codec"] as? String } == ["ppm"])
        #expect(bounds.first?["verified"] as? Bool == true)
        let bytes = try #require(bounds.first?["compressedBytes"] as? Int)
        let level = try #require(bounds.first?["level"] as? String)
        // The same size as compress writes, less the .sqz frame around the block.
        let framed = try SqueezeCommand.run(["compress", "-c", "-a", "ppm", "--level", level, "calgary/paper1"], in: TestCorpus.root)
        #expect(framed.stdout.count > bytes && framed.stdout.count < bytes + 64)
        let estimates = file["estimates"] as? [[String: Any]] ?? []
        let codec = try #require(estimates.first { $0["id"] as? String == "codec-ppm-\(level)" })
        #expect(codec["bits"] as? Double == Double(bytes * 8))
        let ppmd = estimates.first { ($0["id"] as? String)?.hasPrefix("ppm-d-order") == true }?["bits"] as? Double ?? 0
        let best = file["best"] as? [String: Any]
        #expect(best?["id"] as? String == "codec-ppm-\(level)", "ppm at its strongest level beats PPM-D order 5 on paper1")
        #expect((best?["bits"] as? Double ?? .infinity) < ppmd)

        let text = try SqueezeCommand.run(["estimate", "calgary/paper1"], in: TestCorpus.root).stdoutText
        #expect(text.contains("ppm \(level) (our codec's real output, model included)"))
        #expect(text.contains("entropy-rate estimate (not a code)"))
        #expect(text.contains("Achievable ≈ 2.243"))
        let md = try SqueezeCommand.run(["estimate", "--format", "markdown", "calgary/paper1", "calgary/progc"], in: TestCorpus.root).stdoutText
        #expect(md.contains("| ppm \(level) |"))
        #expect(md.contains("## Entropy-rate estimates (not codes)"))
        let csv = try SqueezeCommand.run(["estimate", "--format", "csv", "calgary/paper1", "calgary/progc"], in: TestCorpus.root).stdoutText
        let header = csv.split(separator: "\n").first?.split(separator: ",").map(String.init) ?? []
        for column in ["bound_ppm", "rate_match_length", "rate_match_length_se", "rate_block_entropy", "rate_block_entropy_se", "rate_block_n"] {
            #expect(header.contains(column), "\(column)")
        }
    }

    @Test func rateEstimatesComeNearTheGeneratedRate() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let gen = try SqueezeCommand.run(["generate", "markov", "--order", "2", "--seed", "5", "--bytes", "256K", "-o", "m.txt"], in: dir)
        #expect(gen.status == 0, "\(gen.stderr)")
        let truth = try json(try SqueezeCommand.run(["generate", "markov", "--order", "2", "--info", "--json"], in: dir))["bitsPerByte"] as? Double ?? -1
        let r = try SqueezeCommand.run(["estimate", "--format", "json", "m.txt"], in: dir)
        let file = try #require((try json(r)["files"] as? [[String: Any]])?.first)
        let rates = try #require(file["rateEstimates"] as? [String: Any])
        let match = try #require(rates["matchLength"] as? [String: Any])
        let block = try #require(rates["blockEntropy"] as? [String: Any])
        #expect((match["assumptions"] as? String)?.contains("stationary ergodic") == true)
        #expect((block["assumptions"] as? String)?.contains("Grassberger") == true)
        let m = match["bitsPerByte"] as? Double ?? -1, b = block["bitsPerByte"] as? Double ?? -1
        #expect(abs(b - truth) < 0.01, "block entropy \(b), truth \(truth)")
        #expect(abs(m - truth) < 0.2, "match length \(m), truth \(truth)")
        let blockDetail = block["estimate"] as? [String: Any]
        #expect((blockDetail?["standardError"] as? Double ?? 0) > 0)
        #expect((blockDetail?["stopReason"] as? String)?.hasPrefix("undersampled") == true)
        #expect(((match["estimate"] as? [String: Any])?["standardError"] as? Double ?? 0) > 0)
        // The best achievable code comes within its model cost of the rate (a sample may code a
        // little below n·H by chance: its fluctuation, about 0.0015 bits/byte here, exceeds the cost).
        let best = (file["best"] as? [String: Any])?["bitsPerByte"] as? Double ?? 0
        #expect(abs(best - truth) < 0.01, "best \(best), truth \(truth)")
    }
}
