import Foundation
import Codecs
import Container
import Entropy

/// Text, CSV, JSON and Markdown forms of `squeeze estimate` results.
public enum EstimateOutput {
    static func f(_ x: Double, _ digits: Int = 3) -> String { String(format: "%.\(digits)f", x) }
    static func bpb(_ bits: Double, _ n: Int) -> Double { n > 0 ? bits / Double(n) : 0 }
    static func grouped(_ n: Int) -> String {
        let s = String(n)
        var out = ""
        for (i, c) in s.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return String(out.reversed())
    }
    static func ratio(_ bitsPerByte: Double) -> String { bitsPerByte > 0 ? f(8 / bitsPerByte, 2) + ":1" : "-" }
    static func byteLabel(_ b: Int) -> String {
        switch b {
        case 0x20: return "' '"
        case 0x0A: return "'\\n'"
        case 0x0D: return "'\\r'"
        case 0x09: return "'\\t'"
        case 0x21...0x7E: return "'\(Character(Unicode.Scalar(UInt8(b))))'"
        default: return String(format: "0x%02X", b)
        }
    }

    static let sparseNote = """
    * contexts too sparse: the Miller–Madow bias (P_k − D_k)/(2n ln 2) exceeds 5% of Hk (at this
      or a lower order), so Hk is biased low. Empirical Hk always falls towards 0 as k grows on a finite file (contexts become
      unique); it is a property of this sample, not an achievable rate.
    """

    static let whyBest = """
    Why this one: each estimate is the size an ideal coder driven by that model would write in one
    pass, learning its statistics as it goes (the decoder can repeat it), so each is achievable;
    the smallest is the tightest honest bound we have. The empirical Hk are lower but are not
    achievable: they assume the model's counts are known in advance for free. It bounds what is
    achievable from above: a coder with a better model of this source (long repeats, records,
    images) can beat it, which a negative gap in --compare shows.
    """

    // MARK: - One file, one screen

    public static func detail(_ r: EstimateResult) -> String {
        let rep = r.report
        let n = rep.byteCount
        var lines: [String] = []
        let top = rep.mostFrequent.prefix(5).map { "\(byteLabel($0.byte)) \(f(100 * Double($0.count) / Double(Swift.max(n, 1)), 1))%" }
        lines.append("\(rep.name): \(grouped(n)) bytes, \(rep.alphabetSize) distinct byte values"
                     + (top.isEmpty ? "" : "; most frequent \(top.joined(separator: ", "))"))
        lines.append("")
        var rows: [[String]] = []
        for o in rep.orders {
            let mark = o.isSparse ? "*" : ""
            rows.append([
                "\(o.order)\(mark)", grouped(o.distinctContexts), approximate(rep, o.order) + f(o.conditionalEntropy),
                f(bpb(o.ktBits, n)), f(bpb(o.laplaceBits, n)), f(bpb(o.ktInputAlphabetBits, n)),
            ])
        }
        lines.append(TextTable.render(
            header: ["k", "contexts", "Hk b/B", "KT b/B", "Laplace", "KT(used)"], rows: rows))
        lines.append("Hk: entropy of the next byte given the k before it, from this file's counts.")
        lines.append("KT, Laplace: adaptive order-k coders, learning cost included (KT(used): KT over the")
        lines.append("\(rep.alphabetSize) byte values present, +256 bits to name them).")
        if rep.orders.contains(where: \.isSparse) { lines.append(sparseNote) }
        lines += approximationNotes(rep)
        lines += r.notes.map { "Note: " + $0 }
        lines.append("")
        var est: [[String]] = rep.estimates.map { e in
            [e.name, f(e.bitsPerByte), grouped(e.compressedBytes), ratio(e.bitsPerByte)]
        }
        est.append(["(LZ78 rate estimate c·log2 c / n, not a code)", f(bpb(rep.lz78.rateEstimateBits, n)), "", ""])
        lines.append(TextTable.render(header: ["achievable code length", "bits/byte", "bytes", "ratio"], rows: est))
        let huffmanPayload = bpb(Double(rep.huffman.payloadBits), n)
        lines.append("Huffman: \(f(huffmanPayload)) bits/byte without its \(rep.huffman.tableBits)-bit table, "
                     + "H0 = \(f(rep.h0)) (H0 ≤ L < H0 + 1).")
        if let codecs = r.codecs {
            lines.append("")
            lines.append(codecTable(codecs))
        }
        lines.append("")
        lines += rateLines(r.rates)
        lines.append("")
        lines.append("Achievable ≈ \(f(rep.best.bitsPerByte)) bits/byte (ratio \(ratio(rep.best.bitsPerByte))), by \(rep.best.name).")
        lines.append(whyBest)
        return lines.joined(separator: "\n")
    }

    // MARK: - Entropy-rate estimates

    static let rateNote = """
    Entropy-rate estimates are not code lengths: they estimate the rate of the source the file
    was drawn from (if it is stationary), with a bias at finite length; spread = one standard
    error of sampling noise. No coder stands behind them: one well below the achievable figures
    says either that our models miss structure or that the estimate is biased on this input.
    """

    static func rateRows(_ r: RateEstimates) -> [[String]] {
        var rows: [[String]] = []
        if let m = r.matchLength {
            rows.append(["match length (Kontoyiannis et al. 1998)", f(m.bitsPerSymbol), "± " + f(m.standardError),
                         "mean Λ \(f(m.meanMatchLength, 2)), longest \(m.longestMatch)"])
        }
        if let b = r.blockEntropy {
            rows.append(["block entropy h_n (Grassberger 2003)", f(b.bitsPerSymbol), "± " + f(b.standardError),
                         "n = \(b.contextLength); stopped: \(b.stopReason)"])
        }
        return rows
    }

    static func rateLines(_ r: RateEstimates) -> [String] {
        if let skipped = r.skipped { return ["Entropy-rate estimates: \(skipped)."] }
        var lines = [TextTable.render(header: ["entropy-rate estimate (not a code)", "bits/byte", "spread", ""], rows: rateRows(r))]
        lines.append("Assumptions: match length: \(MatchLengthRateEstimate.assumptions).")
        lines.append("  block entropy: \(BlockEntropyRateEstimate.assumptions).")
        lines.append(rateNote)
        return lines
    }

    /// One row per file: both estimators with their spreads.
    static func rateTable(_ results: [EstimateResult], markdown: Bool) -> String {
        let header = ["file", "match length", "±", "block entropy", "±", "n", "stopped"]
        let rows = zip(results, displayNames(results)).map { r, name -> [String] in
            let m = r.rates.matchLength, b = r.rates.blockEntropy
            return [name, m.map { f($0.bitsPerSymbol) } ?? "-", m.map { f($0.standardError) } ?? "-",
                    b.map { f($0.bitsPerSymbol) } ?? "-", b.map { f($0.standardError) } ?? "-",
                    b.map { String($0.contextLength) } ?? "-",
                    b.map { $0.stopReason.hasPrefix("undersampled") ? "undersampled" : $0.stopReason } ?? (r.rates.skipped ?? "-")]
        }
        return markdown ? markdownTable(header: header, rows: rows) : TextTable.render(header: header, rows: rows)
    }

    static func codecTable(_ codecs: [CodecRun]) -> String {
        let rows = codecs.sorted { $0.bitsPerByte < $1.bitsPerByte }.map { c in
            [c.codec, c.level, c.origin, c.error == nil ? f(c.bitsPerByte) : "failed",
             grouped(c.compressedBytes), ratio(c.bitsPerByte),
             (c.gapToBestEstimate >= 0 ? "+" : "") + f(c.gapToBestEstimate),
             c.error ?? (c.verified ? "" : "round trip failed")]
        }
        if rows.isEmpty { return "No codecs registered to compare." }
        return TextTable.render(header: ["codec", "level", "origin", "bits/byte", "bytes", "ratio", "gap", ""], rows: rows)
            + "\ngap: the codec's bits/byte minus the best estimate's."
    }

    // MARK: - Approximate figures

    /// "≈" before an order's Hk when it was counted in bounded memory with merged contexts.
    static func approximate(_ rep: EntropyReport, _ k: Int) -> String {
        guard let a = rep.approximation, k < a.orders.count, !a.orders[k].exact else { return "" }
        return "≈"
    }

    /// What a bounded-memory analysis changed, figure by figure, with the error bounds.
    static func approximationNotes(_ rep: EntropyReport, label: Bool = false) -> [String] {
        guard let a = rep.approximation else { return [] }
        let n = rep.byteCount
        var lines: [String] = []
        lines.append("≈ \(label ? rep.name + ": " : "")approximate: \(grouped(n)) bytes is more than --memory "
                     + "\(SqzFormat.sizeText(a.memoryLimit, roundingUp: false)) holds for exact figures, so the input was read in pieces.")
        let hashed = a.orders.filter { !$0.exact }
        if hashed.isEmpty {
            lines.append("  Orders 0-\(a.orders.count - 1): counted exactly (every context kept).")
        } else {
            let exact = a.orders.filter(\.exact).map { "\($0.order)" }
            if !exact.isEmpty { lines.append("  Orders \(exact.joined(separator: ", ")): exact (every context kept).") }
            for o in hashed {
                let low = bpb(o.empiricalLowerBits, n)
                let high = bpb(o.empiricalUpperBits, n)
                let share = n > 0 ? 100 * Double(o.mergedPositions) / Double(n) : 0
                let how = o.hashBits.map { "contexts of \(f(share, 1))% of the bytes merged into 2^\($0) buckets" }
                    ?? "contexts stood for by 56-bit hashes"
                lines.append("  H\(o.order) ≈ \(f(high)): \(how); "
                             + "exact H\(o.order) in [\(f(low)), \(f(high))], off by at most \(f(high - low)) bits/byte.")
            }
            lines.append("  For the merged orders, KT/Laplace are code lengths of the coder with merged contexts:")
            lines.append("  achievable, but not the exact order-k figure (which may be lower or higher).")
        }
        lines.append("  PPM (\(SqzFormat.sizeText(a.ppmMemoryBudget, roundingUp: false)) model) and LZ78 (\(grouped(a.lz78MaxPhrases)) phrases): "
                     + "exact code lengths of these smaller models.")
        if !a.skipped.isEmpty { lines.append("  Not computed (need the input in memory): \(a.skipped.joined(separator: ", ")).") }
        return lines
    }

    // MARK: - Several files, one table

    struct Row {
        let name: String
        let n: Int
        let h0: Double
        let hk: Double
        let adaptive: Double
        let ppm: Double
        let lz: Double
        let huffman: Double
        let best: Double
        let bestName: String
        let codec: (String, Double)?
        let approximateHk: Bool
        /// Bits of each bound codec (`boundColumns`), nil where it did not run or failed.
        let bounds: [Double?]
    }

    /// The bound codecs' column names ("ppm 9"), from the first file that ran them.
    static func boundColumns(_ results: [EstimateResult]) -> [(codec: String, label: String)] {
        let runs = results.first { !$0.bounds.isEmpty }?.bounds ?? []
        return runs.map { ($0.codec, "\($0.codec) \($0.level)") }
    }

    static func boundBits(_ r: EstimateResult, codec: String) -> Double? {
        r.bounds.first { $0.codec == codec && $0.error == nil && $0.verified }.map { Double($0.compressedBytes) * 8 }
    }

    /// Bits (not per byte) per column, so that totals add up.
    /// File names as shown in tables: the last path component when those are unique.
    static func displayNames(_ results: [EstimateResult]) -> [String] {
        let base = results.map { ($0.report.name as NSString).lastPathComponent }
        return Set(base).count == base.count ? base : results.map(\.report.name)
    }

    static func rows(_ results: [EstimateResult]) -> [Row] {
        let columns = boundColumns(results)
        return zip(results, displayNames(results)).map { r, display in
            let rep = r.report
            let reliable = rep.orders[rep.highestReliableOrder]
            let adaptive = rep.orders.map(\.bestAdaptiveBits).min() ?? 0
            let bestCodec = r.codecs?.filter { $0.error == nil && $0.verified }.min { $0.bitsPerByte < $1.bitsPerByte }
            return Row(name: display, n: rep.byteCount, h0: rep.h0 * Double(rep.byteCount),
                       hk: reliable.empiricalBits, adaptive: adaptive, ppm: rep.ppm.bits, lz: rep.lz78.codeBits,
                       huffman: Double(rep.huffman.totalBits), best: rep.best.bits, bestName: rep.best.id,
                       codec: bestCodec.map { ("\($0.codec) \($0.level)", Double($0.compressedBytes) * 8) },
                       approximateHk: !approximate(rep, rep.highestReliableOrder).isEmpty,
                       bounds: columns.map { boundBits(r, codec: $0.codec) })
        }
    }

    static func summaryTable(_ results: [EstimateResult], markdown: Bool) -> String {
        let rs = rows(results)
        let withCodecs = results.contains { $0.codecs != nil }
        let columns = boundColumns(results)
        var header = ["file", "bytes", "H0", "Hk (k)", "adaptive", "PPM", "LZ78", "Huffman"] + columns.map(\.label)
            + ["best", "ratio", "by"]
        if withCodecs { header += ["best codec", "b/B", "gap"] }
        var table: [[String]] = []
        for (r, res) in zip(rs, results) {
            let k = res.report.highestReliableOrder
            var row = [r.name, grouped(r.n), f(bpb(r.h0, r.n)), "\(r.approximateHk ? "≈" : "")\(f(bpb(r.hk, r.n))) (\(k))", f(bpb(r.adaptive, r.n)),
                       f(bpb(r.ppm, r.n)), f(bpb(r.lz, r.n)), f(bpb(r.huffman, r.n))]
            row += r.bounds.map { $0.map { f(bpb($0, r.n)) } ?? "-" }
            row += [f(bpb(r.best, r.n)), ratio(bpb(r.best, r.n)), r.bestName]
            if withCodecs {
                if let (name, bits) = r.codec {
                    row += [name, f(bpb(bits, r.n)), (bits >= r.best ? "+" : "") + f(bpb(bits - r.best, r.n))]
                } else { row += ["-", "-", "-"] }
            }
            table.append(row)
        }
        if rs.count > 1 {
            let n = rs.reduce(0) { $0 + $1.n }
            func total(_ key: KeyPath<Row, Double>) -> String { f(bpb(rs.reduce(0) { $0 + $1[keyPath: key] }, n)) }
            let best = rs.reduce(0) { $0 + $1.best }
            var row = ["total", grouped(n), total(\.h0), (rs.contains(where: \.approximateHk) ? "≈" : "") + total(\.hk), total(\.adaptive), total(\.ppm), total(\.lz),
                       total(\.huffman)]
            row += columns.indices.map { i in
                rs.allSatisfy { $0.bounds[i] != nil } ? f(bpb(rs.reduce(0) { $0 + ($1.bounds[i] ?? 0) }, n)) : "-"
            }
            row += [total(\.best), ratio(bpb(best, n)), "per file"]
            if withCodecs {
                // Total of each file's best codec (a different codec may win on each file).
                if rs.allSatisfy({ $0.codec != nil }) {
                    let bits = rs.reduce(0) { $0 + ($1.codec?.1 ?? 0) }
                    row += ["per file", f(bpb(bits, n)), (bits >= best ? "+" : "") + f(bpb(bits - best, n))]
                } else { row += ["-", "-", "-"] }
            }
            table.append(row)
        }
        if markdown { return markdownTable(header: header, rows: table) }
        return TextTable.render(header: header, rows: table)
    }

    public static func summary(_ results: [EstimateResult]) -> String {
        let notes = results.flatMap { r in approximationNotes(r.report, label: true) + r.notes.map { "Note: \(r.report.name): " + $0 } }
        let bounds = boundColumns(results).map(\.label)
        return """
        \(summaryTable(results, markdown: false))
        \(notes.isEmpty ? "" : "\n" + notes.joined(separator: "\n") + "\n")

        All columns in bits per byte. H0: order-0 entropy. Hk (k): empirical Hk at the highest order
        whose contexts are not too sparse. adaptive: best adaptive order-k coder (KT, Laplace or KT over the used bytes), PPM:
        PPM blend of orders, LZ78: LZ78 code, Huffman: static order-0 Huffman with its table\(bounds.isEmpty ? "" : ", " + bounds.joined(separator: ", ") + ": our codec's real output at its strongest level, model included"); these
        are achievable code lengths, and "best" is the smallest of them (estimator in "by").
        \(whyBest)

        Entropy-rate estimates (bits per byte, not codes; ± one standard error):
        \(rateTable(results, markdown: false))
        match length: \(MatchLengthRateEstimate.assumptions).
        block entropy: \(BlockEntropyRateEstimate.assumptions).
        """
    }

    // MARK: - Markdown

    /// A paragraph on one line, runs of spaces collapsed.
    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
    }

    public static func markdownTable(header: [String], rows: [[String]]) -> String {
        func line(_ r: [String]) -> String { "| " + r.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |" }
        let align = header.enumerated().map { i, _ in i == 0 ? "---" : "---:" }
        return ([line(header), "|" + align.joined(separator: "|") + "|"] + rows.map(line)).joined(separator: "\n")
    }

    public static func markdown(_ results: [EstimateResult], order: Int, plotPath: String?, commandLine: [String],
                         generatedBy: String?) -> String {
        var out: [String] = []
        out.append("# How compressible is it? Entropy estimates against real coders")
        out.append("")
        // Only a report made by the script says so: a plain --markdown run gives the command alone.
        var command: [String] = []
        var skipNext = false
        for a in commandLine.dropFirst() {
            if skipNext { skipNext = false; continue }
            if a == "--generated-by" { skipNext = true; continue }
            if a.hasPrefix("--generated-by=") { continue }
            command.append(a)
        }
        if let generatedBy {
            out.append("Generated by `\(generatedBy)` (do not edit by hand). Command:")
        } else {
            out.append("Command:")
        }
        out.append("")
        out.append("    squeeze " + command.joined(separator: " "))
        out.append("")
        out.append("All figures in bits per byte (8 = incompressible). Field definitions: docs/ESTIMATE.md.")
        out.append("")
        out.append("## Summary")
        out.append("")
        out.append(summaryTable(results, markdown: true))
        out.append("")
        let notes = results.flatMap { r in approximationNotes(r.report, label: true) + r.notes.map { "Note: \(r.report.name): " + $0 } }
        if !notes.isEmpty {
            out.append(notes.map { "    " + $0 }.joined(separator: "\n"))
            out.append("")
        }
        out.append("""
        - **H0**: order-0 empirical entropy. **Hk (k)**: empirical conditional entropy at the highest \
        order k ≤ \(order) whose contexts are not too sparse (Miller–Madow bias below 5% of Hk).
        - **adaptive**: best one-pass order-k coder (KT, Laplace, or KT over the byte values used; \
        k = 0…\(order)), \
        learning cost included. **PPM**: blend of orders by escapes (method D, exclusions). \
        **LZ78**: LZ78 code length. **Huffman**: static order-0 Huffman code plus its table.\
        \(boundColumns(results).map { " **\($0.label)**: the size our `\($0.codec)` codec writes at its strongest level (model and block headers included, decoded and checked)." }.joined())
        - **best**: the smallest of these achievable code lengths, with the estimator or codec that gave it.
        """)
        if results.contains(where: { $0.codecs != nil }) {
            out.append("- **best codec**: the registered codec (ours or system, strongest level) with the smallest output, "
                       + "and its gap to the best estimate (negative: it beat every estimate computed here).")
        }
        out.append("")
        out.append(oneLine(whyBest))
        out.append("")
        out.append("## Entropy-rate estimates (not codes)")
        out.append("")
        out.append(rateTable(results, markdown: true))
        out.append("")
        out.append("- **match length**: Kontoyiannis, Algoet, Suhov & Wyner (1998), increasing window; "
                   + MatchLengthRateEstimate.assumptions + ".")
        out.append("- **block entropy**: h_n = H_(n+1) − H_n at the n shown; " + BlockEntropyRateEstimate.assumptions + ".")
        out.append("")
        out.append(oneLine(rateNote))
        out.append("")
        if let plotPath {
            out.append("![bits/byte against context order](\(plotPath))")
            out.append("")
        }
        // Hk and adaptive by order.
        out.append("## Empirical Hk by order (\\* = contexts too sparse)")
        out.append("")
        let ks = 0...order
        var hk: [[String]] = []
        var kt: [[String]] = []
        let display = displayNames(results)
        for (r, name) in zip(results, display) {
            let n = r.report.byteCount
            hk.append([name] + ks.map { k in
                let o = r.report.orders[k]
                return approximate(r.report, k) + f(o.conditionalEntropy) + (o.isSparse ? "\\*" : "")
            })
            kt.append([name] + ks.map { k in f(bpb(r.report.orders[k].bestAdaptiveBits, n)) })
        }
        out.append(markdownTable(header: ["file"] + ks.map { "H\($0)" }, rows: hk))
        out.append("")
        out.append(oneLine(sparseNote).replacingOccurrences(of: "*", with: "\\*"))
        out.append("")
        out.append("## Adaptive order-k code length (best of KT, Laplace, KT over used bytes)")
        out.append("")
        out.append(markdownTable(header: ["file"] + ks.map { "k=\($0)" }, rows: kt))
        out.append("")
        if results.contains(where: { $0.codecs != nil }) {
            out.append("## Codecs at their strongest levels")
            out.append("")
            let names = results.first?.codecs?.map { "\($0.codec) \($0.level)" } ?? []
            if names.isEmpty {
                out.append("No codecs other than `store` are registered in this build.")
            } else {
                let rows = zip(results, display).map { r, name in
                    [name, f(r.report.best.bitsPerByte)] + (r.codecs ?? []).map { c in c.error == nil ? f(c.bitsPerByte) : "failed" }
                }
                out.append(markdownTable(header: ["file", "best estimate"] + names, rows: rows))
            }
            out.append("")
        }
        return out.joined(separator: "\n")
    }

    // MARK: - CSV

    public static func csv(_ results: [EstimateResult], order: Int) -> String {
        let ks = Array(0...order)
        let codecNames = results.first?.codecs?.map(\.codec) ?? []
        // Every name once: H0 is the column h0 of the per-order group.
        var header = ["file", "bytes", "alphabet", "approximate"]
        header += ks.map { "h\($0)" } + ks.map { "h\($0)_low" } + ks.map { "h\($0)_high" } + ks.map { "exact\($0)" }
        header += ks.map { "sparse\($0)" } + ks.map { "contexts\($0)" }
        header += ks.map { "kt\($0)" } + ks.map { "laplace\($0)" } + ks.map { "kt_used\($0)" }
        header += ["ppm_order", "ppm", "lz78", "lz78_rate", "lz78_phrases", "ctw", "huffman", "huffman_payload", "huffman_table_bits"]
        let boundCodecs = boundColumns(results)
        header += boundCodecs.map { "bound_\($0.codec)" }
        header += ["best_id", "best", "best_bytes", "best_ratio"]
        header += ["rate_match_length", "rate_match_length_se", "rate_block_entropy", "rate_block_entropy_se", "rate_block_n"]
        header += codecNames.map { "codec_\($0)" }
        var lines = [header.joined(separator: ",")]
        func g(_ x: Double) -> String { String(format: "%.6f", x) }
        func quote(_ s: String) -> String {
            s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        for r in results {
            let rep = r.report
            let n = rep.byteCount
            var row = [quote(rep.name), String(n), String(rep.alphabetSize), rep.approximation == nil ? "0" : "1"]
            row += ks.map { g(rep.orders[$0].conditionalEntropy) }
            let bounds = rep.approximation?.orders
            row += ks.map { k in g(bounds.map { bpb($0[k].empiricalLowerBits, n) } ?? rep.orders[k].conditionalEntropy) }
            row += ks.map { k in g(bounds.map { bpb($0[k].empiricalUpperBits, n) } ?? rep.orders[k].conditionalEntropy) }
            row += ks.map { k in bounds.map { $0[k].exact ? "1" : "0" } ?? "1" }
            row += ks.map { rep.orders[$0].isSparse ? "1" : "0" }
            row += ks.map { String(rep.orders[$0].distinctContexts) }
            row += ks.map { g(bpb(rep.orders[$0].ktBits, n)) }
            row += ks.map { g(bpb(rep.orders[$0].laplaceBits, n)) }
            row += ks.map { g(bpb(rep.orders[$0].ktInputAlphabetBits, n)) }
            row += [String(rep.ppm.maxOrder), g(bpb(rep.ppm.bits, n)), g(bpb(rep.lz78.codeBits, n)),
                    g(bpb(rep.lz78.rateEstimateBits, n)), String(rep.lz78.phrases),
                    rep.ctw.map { g(bpb($0.bits, n)) } ?? "",
                    g(bpb(Double(rep.huffman.totalBits), n)), g(bpb(Double(rep.huffman.payloadBits), n)),
                    String(rep.huffman.tableBits)]
            row += boundCodecs.map { b in boundBits(r, codec: b.codec).map { g(bpb($0, n)) } ?? "" }
            row += [rep.best.id, g(rep.best.bitsPerByte), String(rep.best.compressedBytes), g(rep.best.ratio)]
            let m = r.rates.matchLength, b = r.rates.blockEntropy
            row += [m.map { g($0.bitsPerSymbol) } ?? "", m.map { g($0.standardError) } ?? "",
                    b.map { g($0.bitsPerSymbol) } ?? "", b.map { g($0.standardError) } ?? "", b.map { String($0.contextLength) } ?? ""]
            row += (r.codecs ?? []).map { $0.error == nil ? g($0.bitsPerByte) : "" }
            lines.append(row.joined(separator: ","))
        }
        if results.count > 1 {
            let n = results.reduce(0) { $0 + $1.report.byteCount }
            func t(_ bits: (EntropyReport) -> Double) -> String { g(bpb(results.reduce(0) { $0 + bits($1.report) }, n)) }
            var row = ["total", String(n), "", results.contains { $0.report.approximation != nil } ? "1" : "0"]
            row += ks.map { k in t { $0.orders[k].empiricalBits } }
            row += ks.map { k in t { $0.approximation?.orders[k].empiricalLowerBits ?? $0.orders[k].empiricalBits } }
            row += ks.map { k in t { $0.approximation?.orders[k].empiricalUpperBits ?? $0.orders[k].empiricalBits } }
            row += ks.map { k in results.allSatisfy { $0.report.approximation?.orders[k].exact ?? true } ? "1" : "0" }
            row += ks.map { _ in "" } + ks.map { _ in "" }
            row += ks.map { k in t { $0.orders[k].ktBits } }
            row += ks.map { k in t { $0.orders[k].laplaceBits } }
            row += ks.map { k in t { $0.orders[k].ktInputAlphabetBits } }
            let best = results.reduce(0) { $0 + $1.report.best.bits }
            row += ["", t { $0.ppm.bits }, t { $0.lz78.codeBits }, t { $0.lz78.rateEstimateBits }, "",
                    results.allSatisfy { $0.report.ctw != nil } ? t { $0.ctw?.bits ?? 0 } : "",
                    t { Double($0.huffman.totalBits) }, t { Double($0.huffman.payloadBits) }, ""]
            row += boundCodecs.map { b in
                let bits = results.map { boundBits($0, codec: b.codec) }
                return bits.allSatisfy { $0 != nil } ? g(bpb(bits.reduce(0) { $0 + ($1 ?? 0) }, n)) : ""
            }
            row += ["per-file", g(bpb(best, n)), String(Int((best / 8).rounded(.up))), g(best > 0 ? Double(n) * 8 / best : 0)]
            // Rates are per source, not additive: no total.
            row += ["", "", "", "", ""]
            row += codecNames.indices.map { i in
                let bytes = results.map { $0.codecs?[i].compressedBytes ?? 0 }.reduce(0, +)
                return g(bpb(Double(bytes) * 8, n))
            }
            lines.append(row.joined(separator: ","))
        }
        return lines.joined(separator: "\n")
    }

    // MARK: - JSON

    struct JSONFile: Encodable {
        struct Order: Encodable {
            let order: Int
            let distinctContexts: Int
            let distinctPairs: Int
            let hk: Double
            let empiricalBits: Double
            let sparse: Bool
            let sparseBiasBitsPerByte: Double
            let ktBits: Double
            let ktBitsPerByte: Double
            let laplaceBits: Double
            let laplaceBitsPerByte: Double
            let ktUsedAlphabetBits: Double
            let ktUsedAlphabetBitsPerByte: Double
            /// False when counted with merged contexts (bounded memory); hk is then an upper bound.
            let exact: Bool
            /// The exact Hk lies in [hkLower, hkUpper] (both equal hk when exact).
            let hkLower: Double
            let hkUpper: Double
        }
        struct Estimate: Encodable {
            let id: String
            let name: String
            let bits: Double
            let bitsPerByte: Double
            let compressedBytes: Int
            let ratio: Double
        }
        struct PPM: Encodable {
            let maxOrder: Int
            let bits: Double
            let bitsPerByte: Double
            let contexts: Int
            let entries: Int
            let memoryLimited: Bool
        }
        struct LZ78: Encodable {
            let phrases: Int
            let codeBits: Double
            let bitsPerByte: Double
            let rateEstimateBitsPerByte: Double
            let dictionaryResets: Int
        }
        struct CTW: Encodable {
            let depth: Int
            let bits: Double
            let bitsPerByte: Double
            let replacedNodes: Int
        }
        /// Entropy-rate estimates (not code lengths), each with its assumptions and spread.
        struct Rates: Encodable {
            /// One estimator's figures, its rate and what it assumes of the source.
            struct Rate<Estimate: Encodable>: Encodable {
                let estimate: Estimate
                let bitsPerByte: Double
                let assumptions: String
            }
            let matchLength: Rate<MatchLengthRateEstimate>?
            let blockEntropy: Rate<BlockEntropyRateEstimate>?
            /// Why they were not computed, when they were not.
            let skipped: String?
        }
        struct Huffman: Encodable {
            let payloadBits: Int
            let tableBits: Int
            let totalBits: Int
            let bitsPerByte: Double
            let payloadBitsPerByte: Double
            let maxLength: Int
            let lengths: [Int]
        }
        let file: String
        let bytes: Int
        let alphabetSize: Int
        let mostFrequent: [SymbolFrequency]
        let histogram: [Int]
        let h0: Double
        let highestReliableOrder: Int
        let orders: [Order]
        let ppm: PPM
        let lz78: LZ78
        let ctw: CTW?
        let huffman: Huffman
        let estimates: [Estimate]
        let best: Estimate
        let codecs: [CodecRun]?
        /// Our strongest codecs' runs whose real sizes count among `estimates`.
        let bounds: [CodecRun]
        let rateEstimates: Rates
        let seconds: [String: Double]
        /// null when every figure is exact.
        let approximation: EntropyReport.Approximation?
        /// Figures a memory limit changed in an exact analysis (smaller PPM model, skipped arith models).
        let notes: [String]
    }

    struct JSONTotal: Encodable {
        let bytes: Int
        let h0BitsPerByte: Double
        let bestBits: Double
        let bestBitsPerByte: Double
        let bestRatio: Double
        let codecBitsPerByte: [String: Double]?
    }

    struct JSONMemory: Encodable {
        let limit: Int
        /// This process's peak resident memory (VmHWM) when the output was written.
        let peakResidentBytes: Int?
    }

    struct JSONDocument: Encodable {
        let tool = "squeeze estimate"
        let formatVersion = 2
        let maxOrder: Int
        let ppmOrder: Int
        let memory: JSONMemory
        let files: [JSONFile]
        let total: JSONTotal
    }

    static func estimateJSON(_ e: CodeLengthEstimate) -> JSONFile.Estimate {
        .init(id: e.id, name: e.name, bits: e.bits, bitsPerByte: e.bitsPerByte, compressedBytes: e.compressedBytes, ratio: e.ratio)
    }

    public static func json(_ results: [EstimateResult], order: Int, ppmOrder: Int, memoryLimit: Int,
                     peakResident: Int?) throws -> String {
        let files = results.map { r -> JSONFile in
            let rep = r.report
            let n = rep.byteCount
            return JSONFile(
                file: rep.name, bytes: n, alphabetSize: rep.alphabetSize, mostFrequent: rep.mostFrequent,
                histogram: rep.histogram, h0: rep.h0, highestReliableOrder: rep.highestReliableOrder,
                orders: rep.orders.map { o in
                    .init(order: o.order, distinctContexts: o.distinctContexts, distinctPairs: o.distinctPairs,
                          hk: o.conditionalEntropy, empiricalBits: o.empiricalBits, sparse: o.isSparse,
                          sparseBiasBitsPerByte: bpb(o.sparseBiasBits, n), ktBits: o.ktBits, ktBitsPerByte: bpb(o.ktBits, n),
                          laplaceBits: o.laplaceBits, laplaceBitsPerByte: bpb(o.laplaceBits, n),
                          ktUsedAlphabetBits: o.ktInputAlphabetBits, ktUsedAlphabetBitsPerByte: bpb(o.ktInputAlphabetBits, n),
                          exact: rep.approximation?.orders[o.order].exact ?? true,
                          hkLower: rep.approximation.map { bpb($0.orders[o.order].empiricalLowerBits, n) } ?? o.conditionalEntropy,
                          hkUpper: rep.approximation.map { bpb($0.orders[o.order].empiricalUpperBits, n) } ?? o.conditionalEntropy)
                },
                ppm: .init(maxOrder: rep.ppm.maxOrder, bits: rep.ppm.bits, bitsPerByte: bpb(rep.ppm.bits, n),
                           contexts: rep.ppm.contexts, entries: rep.ppm.entries, memoryLimited: rep.ppm.memoryLimited),
                lz78: .init(phrases: rep.lz78.phrases, codeBits: rep.lz78.codeBits, bitsPerByte: bpb(rep.lz78.codeBits, n),
                            rateEstimateBitsPerByte: bpb(rep.lz78.rateEstimateBits, n), dictionaryResets: rep.lz78.dictionaryResets),
                ctw: rep.ctw.map { .init(depth: $0.depth, bits: $0.bits, bitsPerByte: bpb($0.bits, n), replacedNodes: $0.replacedNodes) },
                huffman: .init(payloadBits: rep.huffman.payloadBits, tableBits: rep.huffman.tableBits,
                               totalBits: rep.huffman.totalBits, bitsPerByte: bpb(Double(rep.huffman.totalBits), n),
                               payloadBitsPerByte: bpb(Double(rep.huffman.payloadBits), n), maxLength: rep.huffman.maxLength,
                               lengths: rep.huffman.lengths),
                estimates: rep.estimates.map(estimateJSON), best: estimateJSON(rep.best), codecs: r.codecs,
                bounds: r.bounds,
                rateEstimates: .init(
                    matchLength: r.rates.matchLength.map { .init(estimate: $0, bitsPerByte: $0.bitsPerSymbol,
                                                                assumptions: MatchLengthRateEstimate.assumptions) },
                    blockEntropy: r.rates.blockEntropy.map { .init(estimate: $0, bitsPerByte: $0.bitsPerSymbol,
                                                                  assumptions: BlockEntropyRateEstimate.assumptions) },
                    skipped: r.rates.skipped),
                seconds: rep.seconds, approximation: rep.approximation, notes: r.notes)
        }
        let n = results.reduce(0) { $0 + $1.report.byteCount }
        let best = results.reduce(0) { $0 + $1.report.best.bits }
        var codecTotals: [String: Double]?
        if let first = results.first?.codecs {
            var d: [String: Double] = [:]
            for (i, c) in first.enumerated() {
                d[c.codec] = bpb(Double(results.map { $0.codecs?[i].compressedBytes ?? 0 }.reduce(0, +)) * 8, n)
            }
            codecTotals = d
        }
        let total = JSONTotal(bytes: n, h0BitsPerByte: bpb(results.reduce(0) { $0 + $1.report.h0 * Double($1.report.byteCount) }, n),
                              bestBits: best, bestBitsPerByte: bpb(best, n), bestRatio: best > 0 ? Double(n) * 8 / best : 0,
                              codecBitsPerByte: codecTotals)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let data = try encoder.encode(JSONDocument(maxOrder: order, ppmOrder: ppmOrder,
                                                            memory: JSONMemory(limit: memoryLimit, peakResidentBytes: peakResident),
                                                            files: files, total: total))
        return String(decoding: data, as: UTF8.self)
    }
}
