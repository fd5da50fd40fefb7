import Testing
import BitIO
import Codecs
import TestSupport
@testable import Explain

/// LZW and LZ77 explanations against hand-worked examples and against what the
/// real codecs write.
@Suite struct LZExplainerTests {
    static let tobeornot = Array("TOBEORNOTTOBEORTOBEORNOT".utf8)

    /// The textbook sequence (Welch 1984; 256-entry initial dictionary, first free code 256).
    static let textbookCodes = [84, 79, 66, 69, 79, 82, 78, 79, 84, 256, 258, 260, 265, 259, 261, 263]

    @Test func lzwOfTobeornotIsTheTextbookSequenceShiftedPastClear() throws {
        let rows = try LZWExplainer.rows(Self.tobeornot, maxBits: 16)
        // Our lzw reserves 256 for CLEAR, so every new string's code is one more than the textbook's.
        #expect(rows.map { $0.code } == Self.textbookCodes.map { $0 >= 256 ? $0 + 1 : $0 })
        #expect(rows.map { $0.code } == [84, 79, 66, 69, 79, 82, 78, 79, 84, 257, 259, 261, 266, 260, 262, 264])
        #expect(rows.allSatisfy { $0.width == 9 })
        let entries = rows.compactMap { $0.newEntry }.map { e in
            (e.code, String(decoding: Self.tobeornot[e.start..<e.start + e.length], as: UTF8.self))
        }
        #expect(entries.count == 15)
        #expect(entries.first?.0 == 257 && entries.first?.1 == "TO")
        #expect(entries.contains { $0 == (266, "TOB") })
        #expect(entries.contains { $0 == (269, "TOBE") })
        #expect(entries.last?.0 == 271 && entries.last?.1 == "RNO")
    }

    @Test func lzwExplanationSummaryMatchesTheCodec() throws {
        let e = try LZWExplainer().explain(ExplainInput(bytes: Self.tobeornot))
        #expect(e.summary.first { $0.name == "codes" }?.number == 16)
        #expect(e.summary.first { $0.name == "code bits" }?.number == 144)
        #expect(e.summary.first { $0.name == "lzw payload" }?.number == 19)  // 1 header byte + 144 bits
        #expect(ExplanationText.render(e).contains("266 = TOB"))
    }

    @Test func lzwKwKwKCodeIsUsedAsSoonAsItIsMade() throws {
        let bytes = Array("aaaaaaa".utf8)
        let rows = try LZWExplainer.rows(bytes, maxBits: 16)
        #expect(rows.map { $0.code } == [97, 257, 258, 97])
        #expect(rows.map { $0.length } == [1, 2, 3, 1])
    }

    @Test func lzwWidthsGrowAndAddUpToThePayload() throws {
        let bytes = Generators.random(3000, seed: 7)
        let rows = try LZWExplainer.rows(bytes, maxBits: 16)
        let widths = rows.map { $0.width }
        // Code k (no CLEAR yet) can be as large as 256 + k: it is written with that many bits.
        #expect(widths.enumerated().allSatisfy { k, w in w == Int.bitWidth - (256 + k).leadingZeroBitCount })
        #expect(widths.first == 9 && widths.contains(10) && widths.contains(11))
        #expect(rows.reduce(0) { $0 + $1.length } == bytes.count)
        var out = ByteBuffer()
        try bytes.withUnsafeBytes { try LZWCodec(maxBits: 16).encode($0, into: &out) }
        #expect(out.count == 1 + (widths.reduce(0, +) + 7) / 8)
    }

    @Test func lz77OfAbababab() throws {
        var tokens = LZ77Explainer.parse(Array("abababab".utf8))
        #expect(tokens.map { $0.distance } == [0, 0, 2])
        #expect(tokens.map { $0.value } == [97, 98, 6])   // one overlapping copy of 6 from 2 back
        LZ77Explainer.priceElias(&tokens, codewords: 10)
        // 9 + 9 + (1 flag + γ(4) = 00100 + δ(2) = 0100).
        #expect(tokens.map { $0.elias } == [9, 9, 10])
        #expect(tokens[2].eliasCode == "1 00100 0100")
    }

    @Test func lz77OfAbracadabra() throws {
        let bytes = Array("abracadabra".utf8)
        var tokens = LZ77Explainer.parse(bytes)
        #expect(tokens.count == 8)
        #expect(tokens.prefix(7).allSatisfy { $0.distance == 0 })
        #expect(tokens[7].value == 4 && tokens[7].distance == 7)   // "abra" from 7 back
        LZ77Explainer.priceElias(&tokens, codewords: 10)
        // 7 literals × 9 + 1 + γ(2) = 010 + δ(7) = 01111.
        #expect(tokens.reduce(0) { $0 + $1.elias } == 72)
        #expect(tokens[7].eliasCode == "1 010 01111")
        let e = try LZ77Explainer().explain(ExplainInput(bytes: bytes))
        #expect(e.summary.first { $0.name == "lz77-elias payload (measured)" }?.number == 10)  // 1 + ⌈72/8⌉
    }

    /// The Huffman prices use the code lengths the codec builds: with the header they
    /// add up to exactly what lz77-huffman writes, also past one block of tokens.
    @Test(arguments: ["abracadabra", "text", "lcet10"])
    func lz77HuffmanPricesAddUpToTheCodec(_ which: String) throws {
        let bytes: [UInt8]
        switch which {
        case "abracadabra": bytes = Array("abracadabra".utf8)
        case "text": bytes = Generators.repetitive(20_000)
        default: bytes = try readFile("\(TestCorpus.root)/canterbury/lcet10.txt")
        }
        var tokens = LZ77Explainer.parse(bytes)
        LZ77Explainer.priceElias(&tokens, codewords: 0)
        let h = try LZ77Explainer.priceHuffman(&tokens, codewords: 0)
        let bits = h.header + tokens.reduce(0) { $0 + $1.huffman }
        #expect(LZ77Explainer.measured(LZ77HuffmanCodec(level: 6), bytes) == 1 + (bits + 7) / 8)
        if which == "lcet10" { #expect(tokens.count > LZ77HuffmanCodec.tokensPerBlock) }
        if which == "abracadabra" {
            let elias = tokens.reduce(0) { $0 + $1.elias }
            #expect(LZ77Explainer.measured(LZ77EliasCodec(level: 6), bytes) == 1 + (elias + 7) / 8)
        }
    }

    @Test func emptyInputIsAnError() {
        #expect(throws: ExplainError.self) { try LZ77Explainer().explain(ExplainInput(bytes: [])) }
        #expect(throws: ExplainError.self) { try LZWExplainer().explain(ExplainInput(bytes: [])) }
    }
}

/// The `lz77` codec's traced tokens: they rebuild the input, and their real costs add
/// up to what the codec writes (header byte and the range coder's flush aside).
@Suite struct LZ77ArithTraceTests {
    @Test(arguments: ["abracadabra abracadabra, abracadabra", "alice"])
    func tokensRebuildTheInputAndCostWhatTheCodecWrites(_ which: String) throws {
        let bytes = which == "alice" ? try readFile("\(TestCorpus.root)/canterbury/alice29.txt") : Array(which.utf8)
        var out = ByteBuffer()
        let tokens = try bytes.withUnsafeBytes { (raw) throws(CodecError) -> [LZ77ArithToken] in
            try LZ77ArithCodec(level: 6).trace(raw, into: &out)
        }
        var rebuilt: [UInt8] = []
        for t in tokens {
            #expect(t.position == rebuilt.count)
            if t.kind == .literal {
                rebuilt.append(bytes[t.position])
            } else {
                #expect(t.distance >= 1 && t.distance <= rebuilt.count)
                for _ in 0..<t.length { rebuilt.append(rebuilt[rebuilt.count - t.distance]) }
            }
        }
        #expect(rebuilt == bytes)
        let bits = tokens.reduce(0.0) { $0 + $1.bits }
        #expect(tokens.allSatisfy { $0.bits > 0 })
        // One header byte, the coded bits, then the flush of at most 9 bytes.
        #expect(Double(out.count) >= 1 + bits / 8 && Double(out.count) <= 1 + bits / 8 + 9)
        #expect(out.count == LZ77Explainer.measured(LZ77ArithCodec(level: 6), bytes))
        if which == "alice" {
            #expect(tokens.contains { if case .repeatMatch = $0.kind { return true }; return false })
            #expect(tokens.contains { $0.kind == .shortRepeat })
        }
    }
}

@Suite struct LZWClearTests {
    /// With 9-bit codes the dictionary fills after 255 entries; when the ratio falls
    /// the codec sends CLEAR (256) and starts again at 257: the replay follows it.
    @Test func replayFollowsClear() throws {
        let bytes = try readFile("\(TestCorpus.root)/canterbury/alice29.txt")
        let rows = try LZWExplainer.rows(bytes, maxBits: 9)
        #expect(rows.reduce(0) { $0 + $1.length } == bytes.count)
        let clears = rows.indices.filter { rows[$0].code == 256 }
        #expect(!clears.isEmpty)
        if let c = clears.first, c + 1 < rows.count {
            #expect(rows[c].length == 0)
            #expect(rows[c + 1].newEntry?.code == 257)
        }
        #expect(rows.allSatisfy { $0.width == 9 })
    }
}
