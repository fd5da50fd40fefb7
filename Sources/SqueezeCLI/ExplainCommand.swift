import ArgumentParser
import Foundation
import Explain
import SqueezeKit

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Show an algorithm working, step by step, on a small input.",
        discussion: """
        Give a file, - for standard input, or --text "…". Each step prints what the coder \
        sees and decides; past --detail symbols the steps summarise. --json writes the same \
        steps for tools, --html FILE one self-contained page that steps through them with \
        next/previous controls (for a lecture), --svg FILE a picture where one helps.

        The integer codes (elias-gamma, elias-delta, elias-omega, golomb, rice, fibonacci, \
        unary) read integers: --value N (repeatable) or --range A-B.

        Algorithms:
        \(Explainers.all.map { "  \($0.name): \($0.summary)" }.joined(separator: "\n"))

        Examples:
          squeeze explain huffman --text abracadabra
          squeeze explain lzw --text TOBEORNOTTOBEORTOBEORNOT
          squeeze explain bwt --text banana --html bwt.html
          squeeze explain elias-gamma --range 1-17
          squeeze explain ppm --text abracadabra --order 2 --escape C
        """)

    @Argument(help: ArgumentHelp("The algorithm to show.", valueName: "algorithm"))
    var algorithm: String

    @Argument(help: "A file to explain (- for standard input).")
    var file: String?

    @Option(help: "Explain this text instead of a file.")
    var text: String?

    @Option(name: .customLong("value"), help: "An integer to encode (integer codes; repeat for several).")
    var values: [UInt64] = []

    @Option(help: ArgumentHelp("A range of integers to tabulate, such as 1-17 (integer codes).", valueName: "A-B"))
    var range: String?

    @Option(help: "Huffman: the largest code length (length-limited code).")
    var limit: Int?

    @Option(help: "Context order: entropy's highest k, PPM's order.")
    var order: Int?

    @Option(help: ArgumentHelp("PPM escape method: A, B, C or D (default: all four side by side).", valueName: "method"))
    var escape: String?

    @Option(name: .customLong("parameter"), help: ArgumentHelp("Golomb's m or Rice's k; for ans, the table log R.", valueName: "m"))
    var parameter: Int?

    @Option(help: "Past this many symbols, steps summarise instead of listing each one.")
    var detail: Int = 300

    @Flag(help: "Print the explanation as JSON.")
    var json = false

    @Option(help: ArgumentHelp("Write a self-contained HTML page that steps through the explanation.", valueName: "file"))
    var html: String?

    @Option(help: ArgumentHelp("Write the explanation's picture (SVG), where it has one.", valueName: "file"))
    var svg: String?

    @Flag(name: .shortAndLong, help: "Overwrite existing --html/--svg files.")
    var force = false

    func run() throws {
        guard let explainer = Explainers.named(algorithm) else {
            throw UsageError("unknown algorithm '\(algorithm)'; one of: "
                + Explainers.all.map { $0.name }.joined(separator: ", "), Self.self)
        }
        var options = ExplainOptions()
        options.detailLimit = detail
        options.lengthLimit = limit
        options.order = order
        options.escape = escape?.uppercased()
        options.parameter = parameter
        var input = ExplainInput(options: options)
        if explainer.readsIntegers {
            if file != nil || text != nil {
                throw UsageError("\(algorithm) encodes integers: give --value N or --range A-B, not text", Self.self)
            }
            input.integers = values
            if let range {
                let parts = range.split(separator: "-", omittingEmptySubsequences: false)
                guard parts.count == 2, let a = UInt64(parts[0]), let b = UInt64(parts[1]), a <= b, b - a < 100_000 else {
                    throw UsageError("--range wants A-B with A ≤ B and at most 100000 values, such as 1-17", Self.self)
                }
                input.integers += Array(a...b)
            }
            if input.integers.isEmpty {
                throw UsageError("\(algorithm) needs --value N or --range A-B", Self.self)
            }
        } else {
            switch (file, text) {
            case (nil, nil): throw UsageError("give a file, - for standard input, or --text \"…\"", Self.self)
            case (.some, .some): throw UsageError("give a file or --text, not both", Self.self)
            case (nil, .some(let t)): input.bytes = Array(t.utf8)
            case (.some(let path), nil):
                do {
                    input.bytes = path == "-" ? Array(FileHandle.standardInput.readDataToEndOfFile())
                        : try CorpusWalker.read(path)
                } catch {
                    throw FileError("\(error)")
                }
            }
        }
        let explanation: Explanation
        do {
            explanation = try explainer.init().explain(input)
        } catch {
            throw UsageError(error.message, Self.self)
        }
        if let svg {
            guard let picture = explanation.picture else {
                throw UsageError("\(algorithm) has no picture to write with --svg", Self.self)
            }
            try write(picture, to: svg)
        }
        if let html { try write(ExplanationHTML.render(explanation), to: html) }
        if json {
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try enc.encode(explanation), as: UTF8.self))
        } else if html == nil && svg == nil {
            print(ExplanationText.render(explanation), terminator: "")
        }
    }

    private func write(_ text: String, to path: String) throws {
        try ReportFile.write(text, to: path, overwrite: force)
    }
}
