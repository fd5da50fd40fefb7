import BitIO
import Codecs
import Entropy
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `squeeze explain lz77`: the token list of our LZ77 parse (Ziv & Lempel 1977;
/// literals or length/distance pairs as in LZSS and deflate) with what each token
/// costs under each back end: the Elias codes of `lz77-elias`, the Huffman slots of
/// `lz77-huffman` (exact: the same code lengths the codec builds), and an adaptive
/// arithmetic model over the same slots; then what the real codecs write.
public struct LZ77Explainer: Explainer {
    public static let name = "lz77"
    public static let summary = "tokens and their bits under Elias, Huffman slots and arithmetic coding"
    public init() {}

    static let level = 6

    struct Token {
        var position: Int
        /// Literal byte, or match length.
        var value: Int
        /// 0 for a literal.
        var distance: Int
        var elias: Int = 0
        var huffman: Int = 0
        var adaptive: Double = 0
        var eliasCode = ""
        var huffmanDetail = ""
    }

    /// Slot of v for the Huffman back end, as the codec computes it.
    static func slot(_ v: Int) -> (slot: Int, extraBits: Int, extra: UInt32) {
        LZ77HuffmanCodec.slot(UInt32(v))
    }

    static func parse(_ bytes: [UInt8]) -> [Token] {
        let parse = bytes.withUnsafeBytes { LZ77Parse($0, parameters: LZ77HuffmanCodec.parameters(level: level)) }
        var tokens: [Token] = []
        tokens.reserveCapacity(parse.count)
        var at = 0
        for k in 0..<parse.count {
            let d = Int(parse.distances[k]), v = Int(parse.values[k])
            tokens.append(Token(position: at, value: v, distance: d))
            at += d == 0 ? 1 : v
        }
        return tokens
    }

    /// Fills in each token's Elias cost (lz77-elias's format).
    static func priceElias(_ tokens: inout [Token], codewords: Int) {
        for k in tokens.indices {
            let t = tokens[k]
            if t.distance == 0 {
                tokens[k].elias = 9
                if k < codewords {
                    var s = ""
                    for b in (0..<8).reversed() { s += (t.value >> b) & 1 == 1 ? "1" : "0" }
                    tokens[k].eliasCode = "0 " + s
                }
            } else {
                tokens[k].elias = 1 + EliasGamma.codeLength(UInt64(t.value - 2)) + EliasDelta.codeLength(UInt64(t.distance))
                if k < codewords {
                    tokens[k].eliasCode = "1 " + ExplainFormat.codeword(.gamma, UInt64(t.value - 2)) + " "
                        + ExplainFormat.codeword(.delta, UInt64(t.distance))
                }
            }
        }
    }

    /// Fills in each token's Huffman cost with the code lengths lz77-huffman builds per
    /// block of tokens, and returns the header bits of every block and the first block's lengths.
    static func priceHuffman(_ tokens: inout [Token], codewords: Int) throws(ExplainError) -> (header: Int, literal: [UInt8], distance: [UInt8]) {
        var header = 0
        var firstLengths: ([UInt8], [UInt8]) = ([], [])
        var start = 0
        while start < tokens.count {
            let end = min(tokens.count, start + LZ77HuffmanCodec.tokensPerBlock)
            var litFreq = [UInt32](repeating: 0, count: LZ77HuffmanCodec.literalLengthSymbols)
            var distFreq = [UInt32](repeating: 0, count: LZ77HuffmanCodec.distanceSymbols)
            for t in tokens[start..<end] {
                if t.distance == 0 {
                    litFreq[t.value] += 1
                } else {
                    litFreq[256 + slot(t.value - 3).slot] += 1
                    distFreq[slot(t.distance - 1).slot] += 1
                }
            }
            if !distFreq.contains(where: { $0 > 0 }) { distFreq[0] = 1 }
            let lit: [UInt8], dist: [UInt8]
            var writer = BitWriter()
            do {
                lit = try HuffmanCodeLengths.compute(litFreq, limit: 15)
                dist = try HuffmanCodeLengths.compute(distFreq, limit: 15)
                EliasGamma.encode(UInt64(end - start), to: &writer)
                try CodeLengthHeader.write(lit, to: &writer)
                try CodeLengthHeader.write(dist, to: &writer)
            } catch {
                throw ExplainError("lz77: cannot build the Huffman code: \(error)")
            }
            header += writer.bitCount
            if start == 0 { firstLengths = (lit, dist) }
            for k in start..<end {
                let t = tokens[k]
                if t.distance == 0 {
                    tokens[k].huffman = Int(lit[t.value])
                    if k < codewords { tokens[k].huffmanDetail = "\(lit[t.value])" }
                } else {
                    let ls = slot(t.value - 3), ds = slot(t.distance - 1)
                    let l = Int(lit[256 + ls.slot]), d = Int(dist[ds.slot])
                    tokens[k].huffman = l + ls.extraBits + d + ds.extraBits
                    if k < codewords { tokens[k].huffmanDetail = "\(l)+\(ls.extraBits) \(d)+\(ds.extraBits)" }
                }
            }
            start = end
        }
        return (header, firstLengths.0, firstLengths.1)
    }

    /// The adaptive model: the Huffman back end's two slot alphabets, each symbol's
    /// count starting at 1 and growing by 1, extra bits sent as they are.
    static func priceAdaptive(_ tokens: inout [Token]) {
        var lit = [Double](repeating: 1, count: LZ77HuffmanCodec.literalLengthSymbols)
        var litTotal = Double(lit.count)
        var dist = [Double](repeating: 1, count: LZ77HuffmanCodec.distanceSymbols)
        var distTotal = Double(dist.count)
        for k in tokens.indices {
            let t = tokens[k]
            if t.distance == 0 {
                tokens[k].adaptive = -log2(lit[t.value] / litTotal)
                lit[t.value] += 1; litTotal += 1
            } else {
                let ls = slot(t.value - 3), ds = slot(t.distance - 1)
                let s = 256 + ls.slot
                var bits = -log2(lit[s] / litTotal) + Double(ls.extraBits)
                lit[s] += 1; litTotal += 1
                bits += -log2(dist[ds.slot] / distTotal) + Double(ds.extraBits)
                dist[ds.slot] += 1; distTotal += 1
                tokens[k].adaptive = bits
            }
        }
    }

    static func measured(_ codec: any Codec, _ bytes: [UInt8]) -> Int {
        bytes.withUnsafeBytes { raw -> Int in
            var out = ByteBuffer()
            do { try codec.encode(raw, into: &out) } catch { return -1 }
            return out.count
        }
    }

    public func explain(_ input: ExplainInput) throws(ExplainError) -> Explanation {
        let bytes = input.bytes
        guard !bytes.isEmpty else { throw ExplainError("lz77: the input is empty; give some text") }
        let limit = max(1, input.options.detailLimit)
        var tokens = Self.parse(bytes)
        Self.priceElias(&tokens, codewords: limit)
        let huffman = try Self.priceHuffman(&tokens, codewords: limit)
        Self.priceAdaptive(&tokens)
        let summarised = tokens.count > limit
        let parameters = LZ77HuffmanCodec.parameters(level: Self.level)
        var steps: [Explanation.Step] = []

        steps.append(Explanation.Step(
            title: "Our LZ77 parse",
            text: """
            LZ77 (Ziv & Lempel 1977) replaces a string that occurred before by a pointer back to \
            it. The 1977 paper emits a triple (distance, length, next byte) at every step; our codecs, \
            like LZSS and deflate, emit either a literal byte or a (length, distance) pair, and only \
            matches of 3 bytes or more. A match may overlap the bytes it produces (distance < length: \
            "abababab" is a, b and one copy of length 6 from 2 back). The parse is greedy with one \
            byte of look-ahead (lazy matching, as in deflate): candidates come from hash chains of \
            3-byte prefixes, up to \(parameters.chainDepth) per position in a \(1 << (parameters.windowLog - 10)) KiB \
            window, lengths up to \(parameters.maxLength) (lz77-huffman at level \(Self.level); lz77-elias \
            searches deeper and in a wider window, so on large inputs its own parse differs a little).
            """))

        var rows: [[String]] = []
        for (k, t) in tokens.prefix(limit).enumerated() {
            let what = t.distance == 0 ? "literal " + ExplainInput.printable(UInt8(t.value))
                : "match \(t.value), back \(t.distance)"
            let copies = t.distance == 0 ? "" : ExplainFormat.shown(bytes[t.position..<t.position + t.value], limit: 24)
            rows.append(["\(k + 1)", "\(t.position)", what, copies, t.eliasCode, "\(t.elias)",
                         t.huffmanDetail, "\(t.huffman)", ExplainFormat.fixed(t.adaptive, 2)])
        }
        steps.append(Explanation.Step(
            title: "Tokens and what each costs",
            text: """
            Elias (lz77-elias): a flag bit, then a literal as 8 raw bits, or Elias γ of length − 2 \
            and Elias δ of the distance (codeword shown as flag, γ, δ). Huffman (lz77-huffman): a \
            literal is one symbol of a 272-symbol literal/length alphabet; a match is a length slot \
            from that alphabet plus extra bits and a distance slot (44 slots) plus extra bits, each \
            slot with the canonical Huffman code our codec builds for the block (shown as code bits + \
            extra bits for length, then distance). Adaptive: the same slots coded by an adaptive \
            arithmetic model — every symbol's count starts at 1 and grows by 1 — with the extra bits \
            sent as they are: the ideal −log2 p. (That is a model stated here, not our lz77 codec's, \
            which chooses its own parse and codes tokens bit by bit in context: see the next step.)\(summarised ? " Only the first \(limit) of \(tokens.count) tokens are listed; all are counted." : "")
            """,
            table: Explanation.Table(columns: ["#", "at", "token", "copies", "Elias codeword", "Elias", "Huffman", "Huffman bits", "adaptive"],
                                     rows: rows, alignRight: [true, true, false, false, false, true, false, true, true])))

        if !summarised {
            var codeRows: [[String]] = []
            for (s, l) in huffman.literal.enumerated() where l > 0 {
                let name = s < 256 ? "literal " + ExplainInput.printable(UInt8(s)) : "length slot \(s - 256)"
                codeRows.append([name, "\(l)"])
            }
            for (s, l) in huffman.distance.enumerated() where l > 0 { codeRows.append(["distance slot \(s)", "\(l)"]) }
            steps.append(Explanation.Step(
                title: "The Huffman code lz77-huffman builds",
                text: """
                Slots: a value v (length − 3, or distance − 1) below 4 is its own slot; otherwise, \
                with b = ⌊log2 v⌋, the slot is 2b plus the bit below the top one, followed by the \
                b − 1 low bits as extra bits (deflate's idea, our own layout). The code lengths below \
                (package-merge, at most 15 bits) are sent in a header of \(huffman.header) bits, \
                which on a short input costs more than the tokens.
                """,
                table: Explanation.Table(columns: ["symbol", "code bits"], rows: codeRows, alignRight: [false, true])))
        }

        // What our strongest LZ77 really does: its own parse, each token's real cost.
        var arithBytes = ByteBuffer()
        let arith: [LZ77ArithToken]
        do {
            arith = try bytes.withUnsafeBytes { (raw) throws(CodecError) -> [LZ77ArithToken] in
                try LZ77ArithCodec(level: Self.level).trace(raw, into: &arithBytes)
            }
        } catch {
            throw ExplainError("lz77: the lz77 codec failed: \(error)")
        }
        var arithRows: [[String]] = []
        for (k, t) in arith.prefix(limit).enumerated() {
            let what: String
            switch t.kind {
            case .literal: what = "literal " + ExplainInput.printable(bytes[t.position])
            case .match: what = "match \(t.length), back \(t.distance)"
            case .repeatMatch(let r): what = "repeat \(r): \(t.length), back \(t.distance)"
            case .shortRepeat: what = "short repeat, back \(t.distance)"
            }
            let copies = t.kind == .literal ? "" : ExplainFormat.shown(bytes[t.position..<t.position + t.length], limit: 24)
            arithRows.append(["\(k + 1)", "\(t.position)", what, copies, ExplainFormat.fixed(t.bits, 2)])
        }
        let arithBits = arith.reduce(0.0) { $0 + $1.bits }
        let repeats = arith.filter { if case .repeatMatch = $0.kind { return true }; return $0.kind == .shortRepeat }.count
        steps.append(Explanation.Step(
            title: "What our lz77 codec does instead",
            text: """
            Our strongest LZ77 (lz77, level \(Self.level)) does not take the greedy parse above. It \
            weighs every literal and match with the coder's current prices and takes the cheapest \
            path (an optimal parse, Storer & Szymanski 1982), and besides new distances it can \
            reuse one of the last four distances (a repeat, much cheaper to code) or copy one byte \
            from the last distance (a short repeat). Every decision is coded bit by bit with \
            adaptive probabilities in context (LZMA's idea). The bits are each token's real cost \
            in the range coder (the growth of its output): \(ExplainFormat.count(arith.count, "token")), \
            \(ExplainFormat.count(repeats, "repeat")), \(ExplainFormat.fixed(arithBits, 1)) bits in all.\
            \(arith.count > limit ? " Only the first \(limit) of \(arith.count) tokens are listed." : "")
            """,
            table: Explanation.Table(columns: ["#", "at", "token", "copies", "bits"], rows: arithRows,
                                     alignRight: [true, true, false, false, true])))

        let literals = tokens.filter { $0.distance == 0 }.count
        let eliasBits = tokens.reduce(0) { $0 + $1.elias }
        let huffmanBits = tokens.reduce(0) { $0 + $1.huffman }
        let adaptiveBits = tokens.reduce(0.0) { $0 + $1.adaptive }
        let eliasPayload = 1 + (eliasBits + 7) / 8
        let huffmanPayload = 1 + (huffman.header + huffmanBits + 7) / 8
        let realElias = Self.measured(LZ77EliasCodec(level: Self.level), bytes)
        let realHuffman = Self.measured(LZ77HuffmanCodec(level: Self.level), bytes)
        let realArith = Self.measured(LZ77ArithCodec(level: Self.level), bytes)
        steps.append(Explanation.Step(
            title: "Totals per back end",
            text: """
            \(ExplainFormat.count(tokens.count, "token")): \(ExplainFormat.count(literals, "literal")) and \
            \(ExplainFormat.count(tokens.count - literals, "match", "matches")) for \
            \(bytes.count) bytes. Each payload adds one header byte and pads to a whole byte; \
            lz77-huffman also sends its code lengths per block of up to \(LZ77HuffmanCodec.tokensPerBlock) tokens. \
            The last column is what our codecs really write at level \(Self.level), each with its own parse; \
            lz77's range coder also flushes a few bytes at the end.
            """,
            table: Explanation.Table(columns: ["back end", "token bits", "header bits", "payload bytes", "codec", "measured bytes"], rows: [
                ["Elias γ/δ", "\(eliasBits)", "8", "\(eliasPayload)", "lz77-elias -\(Self.level)", "\(realElias)"],
                ["Huffman slots", "\(huffmanBits)", "\(8 + huffman.header)", "\(huffmanPayload)", "lz77-huffman -\(Self.level)", "\(realHuffman)"],
                ["adaptive slots (model above)", ExplainFormat.fixed(adaptiveBits, 1), "–", "\(Int((adaptiveBits / 8).rounded(.up)))", "–", "–"],
                ["lz77's own parse and contexts", ExplainFormat.fixed(arithBits, 1), "8", "–", "lz77 -\(Self.level)", "\(realArith)"],
            ], alignRight: [false, true, true, true, false, true])))

        let summary: [Explanation.Fact] = [
            Explanation.Fact(name: "tokens", value: "\(tokens.count) (\(ExplainFormat.count(literals, "literal")), \(ExplainFormat.count(tokens.count - literals, "match", "matches")))", number: Double(tokens.count)),
            Explanation.Fact(name: "Elias bits", value: "\(eliasBits) bits", number: Double(eliasBits)),
            Explanation.Fact(name: "Huffman bits", value: "\(huffmanBits) bits + \(huffman.header) header", number: Double(huffmanBits)),
            Explanation.Fact(name: "adaptive model bits", value: ExplainFormat.bits(adaptiveBits), number: adaptiveBits),
            Explanation.Fact(name: "lz77-elias payload (measured)", value: ExplainFormat.bytes(realElias), number: Double(realElias)),
            Explanation.Fact(name: "lz77-huffman payload (measured)", value: ExplainFormat.bytes(realHuffman), number: Double(realHuffman)),
            Explanation.Fact(name: "lz77 token bits (its own parse)", value: ExplainFormat.bits(arithBits), number: arithBits),
            Explanation.Fact(name: "lz77 payload (measured)", value: ExplainFormat.bytes(realArith), number: Double(realArith)),
        ]
        return Explanation(algorithm: Self.name, title: "LZ77 of \"\(ExplainInput.printable(bytes, limit: 40))\"",
                           input: ExplainFormat.input(input, summarised: summarised), steps: steps, summary: summary)
    }
}
