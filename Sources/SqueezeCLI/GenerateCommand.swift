import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import SqueezeKit

/// Kinds of synthetic source `generate` writes.
enum GeneratedSourceKind: String, ExpressibleByArgument, CaseIterable {
    case iid, markov, hmm
}

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a synthetic source whose entropy rate is known, to check estimators against.",
        discussion: """
        Sources (one byte per symbol: 'a', 'b', … for up to 26 symbols, else byte values 0…A−1, \
        so bits/symbol = bits/byte):
          iid     independent symbols; --probabilities 0.5,0.25,0.25 (default 0.5,0.25,0.125,0.125, \
        1.75 bits), or --alphabet A for A equiprobable symbols.
          markov  an order-k chain (--order 1…3) over --alphabet A symbols (default 4); the transition \
        matrix is --matrix "row;row;…" (A^k rows of A weights, context c = Σ s_(t−j)·A^(j−1), the latest \
        symbol in the lowest digit) or drawn from --matrix-seed (default 1).
          hmm     two hidden states (stay probabilities 0.95 and 0.9), the first emitting mostly 'a', \
        the second mostly 'c' and 'd'; or --matrix (hidden transitions, S rows of S) with --emissions \
        (S rows of A).

        Each process starts in its stationary law. The generator is xoshiro256** seeded by SplitMix64 \
        from --seed, symbols drawn by comparing 32-bit integers with the distribution's quantized \
        cumulative bounds: the same seed gives the same bytes on every machine, and a shorter --bytes \
        gives a prefix of a longer one.

        --info prints the exact entropy rate instead (the rate of the quantized probabilities that are \
        actually sampled): the closed form for iid (H(p)) and Markov (Σ π(c)·H(P(·|c)), π stationary) \
        sources; for the hidden-Markov source, which has no closed form, Birch's bounds \
        H(Y_m|Y_(m−1)…Y_1, X_1) ≤ H ≤ H(Y_m|Y_(m−1)…Y_1), computed exactly with m grown until they \
        are within 1e-7 bits or the output strings of length m pass 2^22 (both bounds are printed). docs/ESTIMATE.md shows the estimators converging on these sources.
        """)

    @Argument(help: ArgumentHelp("iid, markov or hmm.", valueName: "source"))
    var source: GeneratedSourceKind

    @Option(help: "Seed of the symbol stream.")
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("How many bytes (symbols) to write, such as 65536, 64K or 1M.", valueName: "n"))
    var bytes: String?

    @Option(name: [.short, .long], help: "Write to this file (default: standard output).")
    var output: String?

    @Option(help: ArgumentHelp("iid: symbol probabilities (or weights), comma-separated.", valueName: "p,p,…"))
    var probabilities: String?

    @Option(help: "Number of symbols (iid: equiprobable; markov: default 4).")
    var alphabet: Int?

    @Option(help: "markov: order k (1…3).")
    var order: Int = 1

    @Option(help: ArgumentHelp("markov or hmm: transition rows separated by ';', weights by ','.", valueName: "rows"))
    var matrix: String?

    @Option(help: "markov: seed of the random transition matrix (when --matrix is not given).")
    var matrixSeed: UInt64 = 1

    @Option(help: ArgumentHelp("hmm: emission rows (one per hidden state) separated by ';'.", valueName: "rows"))
    var emissions: String?

    @Flag(help: "Print the source's exact entropy rate instead of generating it.")
    var info = false

    @Flag(help: "With --info: as JSON.")
    var json = false

    static let maximumBytes = 1 << 40

    func validate() throws {
        if !info && !json && bytes == nil { throw ValidationError("give --bytes N (or --info for the entropy rate)") }
        if let bytes, Format.parseSize(bytes).map({ $0 <= Self.maximumBytes }) != true {
            throw ValidationError("--bytes \(bytes) is not a size up to 1T (such as 65536, 64K or 1M)")
        }
        if probabilities != nil && source != .iid { throw ValidationError("--probabilities applies to iid only") }
        if emissions != nil && source != .hmm { throw ValidationError("--emissions applies to hmm only") }
        if matrix != nil && source == .iid { throw ValidationError("--matrix applies to markov and hmm") }
        if probabilities != nil && alphabet != nil { throw ValidationError("give --probabilities or --alphabet, not both") }
        if source == .markov && !(1...3).contains(order) { throw ValidationError("--order must be in 1…3") }
        if let alphabet, !(1...256).contains(alphabet) { throw ValidationError("--alphabet must be in 1…256") }
        if source == .hmm && (matrix == nil) != (emissions == nil) {
            throw ValidationError("hmm takes --matrix and --emissions together (or neither, for the default)")
        }
        _ = try makeSource()
    }

    /// Rows "a,b;c,d" → [[a, b], [c, d]]; errors name the option and the entry.
    static func parseRows(_ text: String, option: String) throws -> [[Double]] {
        try text.split(separator: ";", omittingEmptySubsequences: false).enumerated().map { i, row in
            try row.split(separator: ",", omittingEmptySubsequences: false).map { cell in
                let t = cell.trimmingCharacters(in: .whitespaces)
                guard let v = Double(t), v.isFinite, v >= 0 else {
                    throw ValidationError("\(option): '\(t)' in row \(i + 1) is not a non-negative number")
                }
                return v
            }
        }
    }

    static func distribution(_ row: [Double], option: String, row index: Int) throws -> QuantizedDistribution {
        guard let q = QuantizedDistribution(row) else {
            throw ValidationError("\(option): row \(index + 1) has no positive weight")
        }
        return q
    }

    func makeSource() throws -> SyntheticSource {
        switch source {
        case .iid:
            let weights: [Double]
            if let probabilities {
                weights = try Self.parseRows(probabilities, option: "--probabilities").first ?? []
                if probabilities.contains(";") { throw ValidationError("--probabilities takes one row (no ';')") }
                guard (1...256).contains(weights.count) else { throw ValidationError("--probabilities needs 1…256 values") }
            } else if let alphabet {
                weights = Array(repeating: 1, count: alphabet)
            } else {
                weights = SyntheticSource.defaultProbabilities
            }
            return .iid(try Self.distribution(weights, option: "--probabilities", row: 0))
        case .markov:
            if let matrix {
                let rows = try Self.parseRows(matrix, option: "--matrix")
                let a = rows.first?.count ?? 0
                guard (2...256).contains(a) else { throw ValidationError("--matrix rows need 2…256 weights") }
                if let alphabet, alphabet != a { throw ValidationError("--matrix rows have \(a) weights but --alphabet is \(alphabet)") }
                let expected = Int(pow(Double(a), Double(order)))
                guard rows.count == expected else {
                    throw ValidationError("--matrix: an order-\(order) chain over \(a) symbols needs \(a)^\(order) = \(expected) rows, not \(rows.count)")
                }
                if let bad = rows.firstIndex(where: { $0.count != a }) {
                    throw ValidationError("--matrix: row \(bad + 1) has \(rows[bad].count) weights, not \(a)")
                }
                return .markov(order: order, rows: try rows.enumerated().map { try Self.distribution($1, option: "--matrix", row: $0) })
            }
            let a = alphabet ?? 4
            guard a >= 2 else { throw ValidationError("--alphabet must be at least 2 for markov") }
            guard pow(Double(a), Double(order + 1)) <= Double(1 << 20) else {
                throw ValidationError("--alphabet \(a) with --order \(order) makes more than 2^20 transitions")
            }
            guard let s = SyntheticSource.seededMarkov(order: order, alphabet: a, seed: matrixSeed) else {
                throw ValidationError("cannot make an order-\(order) chain over \(a) symbols")
            }
            return s
        case .hmm:
            guard let matrix, let emissions else { return SyntheticSource.defaultHMM }
            let t = try Self.parseRows(matrix, option: "--matrix")
            let e = try Self.parseRows(emissions, option: "--emissions")
            let s = t.count
            guard (1...16).contains(s) else { throw ValidationError("--matrix: 1…16 hidden states") }
            if let bad = t.firstIndex(where: { $0.count != s }) {
                throw ValidationError("--matrix: row \(bad + 1) has \(t[bad].count) weights, not \(s) (one per hidden state)")
            }
            guard e.count == s else { throw ValidationError("--emissions needs \(s) rows (one per hidden state), not \(e.count)") }
            let a = e.first?.count ?? 0
            guard (1...26).contains(a) else { throw ValidationError("--emissions rows need 1…26 weights") }
            if let bad = e.firstIndex(where: { $0.count != a }) {
                throw ValidationError("--emissions: row \(bad + 1) has \(e[bad].count) weights, not \(a)")
            }
            return .hmm(transitions: try t.enumerated().map { try Self.distribution($1, option: "--matrix", row: $0) },
                        emissions: try e.enumerated().map { try Self.distribution($1, option: "--emissions", row: $0) })
        }
    }

    func run() throws {
        let made = try makeSource()
        let count = bytes.flatMap(Format.parseSize)
        if info || json {
            print(json ? try Self.infoJSON(made, kind: source, order: order, bytes: count) : Self.infoText(made, kind: source, bytes: count))
            return
        }
        guard let count else { return }
        try write(made, count: count)
    }

    /// Streams the symbols in 1 MiB pieces to the file (written as reports are:
    /// a temporary file renamed into place) or standard output.
    func write(_ made: SyntheticSource, count: Int) throws {
        let body = { (sink: inout FileSink) throws in
            var generator = SyntheticGenerator(made, seed: seed)
            var buffer = [UInt8](repeating: 0, count: 1 << 20)
            var left = count
            while left > 0 {
                let n = Swift.min(left, buffer.count)
                buffer.withUnsafeMutableBufferPointer { generator.fill(UnsafeMutableBufferPointer(rebasing: $0[0..<n])) }
                try buffer.withUnsafeBytes { try sink.write(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
                left -= n
            }
        }
        if let output {
            try ReportFile.write(to: output, overwrite: true, body)
        } else {
            var sink = FileSink(fd: STDOUT_FILENO)
            try ReportFile.fill(&sink, "(stdout)", body)
        }
    }

    static func describe(_ s: SyntheticSource) -> String {
        let a = s.alphabetSize
        let symbols = a <= 26 ? "'a'…'\(Character(Unicode.Scalar(UInt8(0x60 + a))))'" : "bytes 0…\(a - 1)"
        switch s {
        case .iid(let p):
            return "iid over \(a) symbols (\(symbols)), p = " + p.probabilities.map { Format.fixed($0, 6) }.joined(separator: ", ")
        case .markov(let k, let rows):
            return "Markov order \(k) over \(a) symbols (\(symbols)), \(rows.count) contexts"
        case .hmm(let t, _):
            return "hidden Markov, \(t.count) hidden states, \(a) output symbols (\(symbols))"
        }
    }

    static func infoText(_ s: SyntheticSource, kind: GeneratedSourceKind, bytes: Int?) -> String {
        let r = s.entropyRate
        var lines = [describe(s)]
        if r.exact {
            lines.append("entropy rate: \(Format.fixed(r.bitsPerSymbol, 6)) bits/symbol = \(Format.fixed(r.bitsPerSymbol, 6)) bits/byte "
                         + "(one byte per symbol; exact, " + (kind == .iid ? "H(p)" : "Σ π(c)·H(P(·|c)) with π stationary") + ")")
        } else {
            lines.append("entropy rate: \(Format.fixed(r.lower, 7)) ≤ H ≤ \(Format.fixed(r.upper, 7)) bits/symbol (= bits/byte, one byte per symbol)")
            lines.append("  Birch bounds H(Y_m|Y_(m−1)…Y_1, X_1) ≤ H ≤ H(Y_m|Y_(m−1)…Y_1) at m = \(r.conditioningLength + 1); "
                         + "midpoint \(Format.fixed(r.bitsPerSymbol, 7))")
        }
        if let bytes {
            lines.append("for \(bytes) bytes: no code averages below about \(Format.fixed(Double(bytes) * r.lower / 8, 0)) bytes")
        }
        return lines.joined(separator: "\n")
    }

    struct InfoJSON: Encodable {
        let tool = "squeeze generate"
        let source: String
        let description: String
        let alphabetSize: Int
        let order: Int?
        let bytes: Int?
        let entropyRate: EntropyRate
        let bitsPerSymbol: Double
        let bitsPerByte: Double
        let method: String
        /// The quantized probabilities actually sampled: iid one row; markov A^k rows; hmm transitions.
        let probabilities: [[Double]]
        let emissions: [[Double]]?
    }

    static func infoJSON(_ s: SyntheticSource, kind: GeneratedSourceKind, order: Int, bytes: Int?) throws -> String {
        let r = s.entropyRate
        let rows: [[Double]], emissions: [[Double]]?
        switch s {
        case .iid(let p): rows = [p.probabilities]; emissions = nil
        case .markov(_, let m): rows = m.map(\.probabilities); emissions = nil
        case .hmm(let t, let e): rows = t.map(\.probabilities); emissions = e.map(\.probabilities)
        }
        let method = r.exact ? (kind == .iid ? "closed form H(p)" : "closed form sum over contexts of pi(c) H(P(.|c))")
            : "Birch bounds H(Y_m|Y_m-1..Y_1,X_1) <= H <= H(Y_m|Y_m-1..Y_1), m = \(r.conditioningLength + 1); bitsPerSymbol is their midpoint"
        let doc = InfoJSON(source: kind.rawValue, description: describe(s), alphabetSize: s.alphabetSize,
                           order: kind == .markov ? order : nil, bytes: bytes, entropyRate: r,
                           bitsPerSymbol: r.bitsPerSymbol, bitsPerByte: r.bitsPerSymbol, method: method,
                           probabilities: rows, emissions: emissions)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(doc), as: UTF8.self)
    }
}
