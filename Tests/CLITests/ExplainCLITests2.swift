import Foundation
import Testing
import TestSupport

/// `squeeze explain` for lz77, lzw, bwt, mtf, rank, interval and ppm, through the
/// built executable: the textbook examples, --json, --svg, a corpus file
/// summarised past --detail, and bad options.
@Suite struct ExplainCLITests2 {
    static let alice = "\(TestCorpus.root)/canterbury/alice29.txt"

    func run(_ args: [String]) throws -> SqueezeCommand.Result {
        try SqueezeCommand.run(["explain"] + args, in: NSTemporaryDirectory(), timeout: 300)
    }

    func json(_ args: [String]) throws -> [String: Any] {
        let r = try run(args + ["--json"])
        #expect(r.status == 0, "\(args): \(r.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(r.stdout)) as? [String: Any])
    }

    func fact(_ doc: [String: Any], _ name: String) -> [String: Any]? {
        (doc["summary"] as? [[String: Any]])?.first { $0["name"] as? String == name }
    }

    @Test func lzwTobeornot() throws {
        let r = try run(["lzw", "--text", "TOBEORNOTTOBEORTOBEORNOT"])
        #expect(r.status == 0)
        // The textbook's 256 258 260 265 259 261 263, one higher: our 256 is CLEAR.
        for entry in ["257 = TO", "266 = TOB", "269 = TOBE", "271 = RNO"] { #expect(r.stdoutText.contains(entry)) }
        let doc = try json(["lzw", "--text", "TOBEORNOTTOBEORTOBEORNOT"])
        #expect(fact(doc, "codes")?["number"] as? Double == 16)
        #expect(fact(doc, "lzw payload")?["number"] as? Double == 19)
        let table = ((doc["steps"] as? [[String: Any]])?[1]["table"] as? [String: Any])?["rows"] as? [[String]]
        #expect(table?.map { $0[3] } == ["84", "79", "66", "69", "79", "82", "78", "79", "84",
                                          "257", "259", "261", "266", "260", "262", "264"])
    }

    @Test func bwtBananaWithPicture() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let svg = dir + "/bwt.svg"
        let r = try run(["bwt", "--text", "banana"])
        #expect(r.status == 0)
        #expect(r.stdoutText.contains("annbaa") && r.stdoutText.contains("nnbaaa"))
        let doc = try json(["bwt", "--text", "banana"])
        #expect(fact(doc, "primary index")?["number"] as? Double == 4)
        let w = try run(["bwt", "--text", "banana", "--svg", svg])
        #expect(w.status == 0)
        let picture = String(decoding: try TestFiles.read(svg), as: UTF8.self)
        #expect(picture.hasPrefix("<svg") && picture.contains("last-column"))
    }

    @Test func mtfRankIntervalByHand() throws {
        #expect(fact(try json(["mtf", "--text", "nnbaaa"]), "ranks")?["value"] as? String == "110 0 99 99 0 0")
        #expect(fact(try json(["rank", "--text", "annbaa"]), "ranks")?["value"] as? String == "353 366 0 354 2 0")
        #expect(fact(try json(["interval", "--text", "annbaa"]), "intervals")?["value"] as? String == "159 147 1 161 4 1")
    }

    @Test func lz77Abababab() throws {
        let doc = try json(["lz77", "--text", "abababab"])
        #expect(fact(doc, "Elias bits")?["number"] as? Double == 28)
        #expect(fact(doc, "lz77-elias payload (measured)")?["number"] as? Double == 5)
        let r = try run(["lz77", "--text", "abababab"])
        #expect(r.stdoutText.contains("match 6, back 2"))
    }

    @Test func ppmAbracadabraMethodC() throws {
        let doc = try json(["ppm", "--text", "abracadabra", "--escape", "C", "--order", "2"])
        let total = try #require(fact(doc, "total")?["number"] as? Double)
        let hand = log2(256.0) + log2(257.0) + log2(258.0) + log2(259.0 / 2) + 1 + log2(258.0)
            + log2(261.0 / 3) + 1 + log2(258.0) + log2(263.0 / 4) + log2(6.0) + 1 + 1
        #expect(abs(total - hand) < 1e-9)
        let all = try run(["ppm", "--text", "abracadabra"])
        #expect(all.status == 0)
        #expect(all.stdoutText.contains("four escape methods side by side"))
    }

    /// Every one of these explainers works on a corpus file and summarises past --detail.
    @Test(arguments: ["lz77", "lzw", "bwt", "mtf", "rank", "interval", "ppm"])
    func corpusFileIsSummarised(_ algorithm: String) throws {
        let r = try run([algorithm, Self.alice, "--detail", "20"])
        #expect(r.status == 0, "\(algorithm): \(r.stderr)")
        #expect(r.stdoutText.contains("152089 symbols"))
        #expect(r.stdoutText.split(separator: "\n").count < 200, "\(algorithm) printed too much")
        let doc = try json([algorithm, Self.alice, "--detail", "20"])
        #expect((doc["input"] as? [String: Any])?["summarised"] as? Bool == true)
    }

    @Test func badOptionsAreRefused() throws {
        for args in [["ppm", "--text", "abc", "--escape", "E"], ["ppm", "--text", "abc", "--order", "9"],
                     ["lz77", "--text", ""], ["mtf", "--svg", "x.svg", "--text", "abc"]] {
            let r = try run(args)
            #expect(r.status != 0, "\(args)")
            #expect(!r.stderr.isEmpty)
        }
    }
}
