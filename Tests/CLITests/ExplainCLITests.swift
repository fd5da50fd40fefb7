import Foundation
import Testing
import TestSupport

/// `squeeze explain` through the built binary.
@Suite struct ExplainCLITests {
    private func run(_ args: [String], in dir: String? = nil) throws -> SqueezeCommand.Result {
        try SqueezeCommand.run(["explain"] + args, in: dir ?? NSTemporaryDirectory())
    }

    @Test func huffmanAsText() throws {
        let r = try run(["huffman", "--text", "abracadabra"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdoutText.contains("total = 5·1 + 2·3 + 1·3 + 1·3 + 2·3 = 23 bits"))
        #expect(r.stdoutText.contains("Kraft sum"))
    }

    @Test func jsonForTools() throws {
        let r = try run(["arith", "--text", "abac", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let doc = try JSONSerialization.jsonObject(with: Data(r.stdout)) as? [String: Any]
        #expect(doc?["algorithm"] as? String == "arith")
        let summary = doc?["summary"] as? [[String: Any]] ?? []
        #expect(summary.first { $0["name"] as? String == "code" }?["number"] as? Double == 6)
        #expect((doc?["steps"] as? [Any])?.count == 4)
    }

    @Test func integerCodesReadValuesAndRanges() throws {
        let r = try run(["elias-omega", "--value", "17"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdoutText.contains("10100100010"))
        let table = try run(["rice", "--parameter", "2", "--range", "0-9"])
        #expect(table.status == 0)
        #expect(table.stdoutText.contains("00101"))
        let text = try run(["fibonacci", "--text", "17"])
        #expect(text.status != 0)
        #expect(text.stderr.contains("--value"))
        let zero = try run(["elias-gamma", "--value", "0"])
        #expect(zero.status != 0)
        #expect(zero.stderr.contains("n ≥ 1"))
    }

    @Test func htmlAndSvgFiles() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try run(["huffman", "--text", "abracadabra", "--html", "h.html", "--svg", "h.svg"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.isEmpty)
        let html = try String(contentsOfFile: dir + "/h.html", encoding: .utf8)
        #expect(html.hasPrefix("<!doctype html>") && html.contains("<section class=\"step\"") && html.contains("<svg"))
        let svg = try String(contentsOfFile: dir + "/h.svg", encoding: .utf8)
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>"))
        // Existing files are kept unless -f.
        let again = try run(["huffman", "--text", "abracadabra", "--html", "h.html"], in: dir)
        #expect(again.status != 0 && again.stderr.contains("already exists"))
        #expect(try run(["huffman", "--text", "ab", "--html", "h.html", "-f"], in: dir).status == 0)
        // An explainer without a picture says so.
        let noPicture = try run(["entropy", "--text", "abc", "--svg", "e.svg"], in: dir)
        #expect(noPicture.status != 0 && noPicture.stderr.contains("no picture"))
    }

    /// A device or FIFO given as --svg/--html/--plot is written in place, never
    /// replaced by a regular file (the temporary-then-rename write once turned
    /// /dev/full into a file); a write error there is an error.
    @Test func devicesAndPipesAreWrittenInPlace() throws {
        let dir = try SqueezeCommand.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let r = try SqueezeCommand.shell("""
            mkfifo pipe
            cat pipe > got & squeeze explain huffman --text abracadabra --svg pipe; wait $!
            test -p pipe && grep -q '<svg' got && echo explain
            cat pipe > got2 & squeeze estimate --plot pipe "$CORPUS_FILE" > /dev/null; wait $!
            test -p pipe && grep -q '<svg' got2 && echo estimate
            squeeze explain huffman --text abc --html /dev/full -f; echo "status $?"
            squeeze generate iid --seed 1 --bytes 100 -o /dev/full; echo "generate $?"
            test -c /dev/full && echo device
            """.replacingOccurrences(of: "$CORPUS_FILE", with: TestCorpus.root + "/canterbury/grammar.lsp"), in: dir)
        #expect(r.stdoutText == "explain\nestimate\nstatus 1\ngenerate 1\ndevice\n", "\(r.stdoutText)\n\(r.stderr)")
        #expect(r.stderr.contains("cannot write /dev/full"))
    }

    @Test func wrongAlgorithmAndMissingInput() throws {
        let wrong = try run(["huffmann", "--text", "x"])
        #expect(wrong.status != 0)
        #expect(wrong.stderr.contains("unknown algorithm 'huffmann'") && wrong.stderr.contains("huffman"))
        let missing = try run(["huffman"])
        #expect(missing.status != 0 && missing.stderr.contains("--text"))
        let absent = try run(["entropy", "/nonexistent/file.txt"])
        #expect(absent.status != 0 && absent.stderr.contains("/nonexistent/file.txt"))
        let empty = try run(["arith", "--text", ""])
        #expect(empty.status != 0 && empty.stderr.contains("empty"))
    }

    @Test func corpusFileSummarisesPastDetail() throws {
        let alice = "\(TestCorpus.root)/canterbury/alice29.txt"
        for algorithm in ["huffman", "arith", "entropy"] {
            let r = try run([algorithm, alice, "--detail", "100", "--json"])
            #expect(r.status == 0, "\(algorithm): \(r.stderr)")
            let doc = try JSONSerialization.jsonObject(with: Data(r.stdout)) as? [String: Any]
            let input = doc?["input"] as? [String: Any]
            #expect(input?["summarised"] as? Bool == true, "\(algorithm)")
            #expect(input?["count"] as? Int == 152_089, "\(algorithm)")
            let text = try run([algorithm, alice, "--detail", "100"])
            #expect(text.status == 0)
            #expect(text.stdoutText.split(separator: "\n").count < 400, "\(algorithm)")
        }
    }
}
