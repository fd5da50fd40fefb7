import Foundation
import Testing
import TestSupport
@testable import Explain

private func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

private func fact(_ e: Explanation, _ name: String) -> Double? {
    e.summary.first { $0.name == name }?.number
}

@Suite struct HuffmanExplainTests {
    // "abracadabra": a5 b2 r2 c1 d1, n = 11.
    // By hand: merge c+d (2), b+r (4), cd+br (6), a+(6) (11): a at depth 1, the
    // others at depth 3: 5·1 + (2+2+1+1)·3 = 23 bits. Another optimal tree
    // (a1 b2 r3 c4 d4) also costs 5 + 4 + 6 + 4 + 4 = 23, so the total and the
    // Kraft sum are what must hold; our canonical builder gives lengths {1,3,3,3,3},
    // and canonically a=0, then b, c, d, r (length 3, by byte value) = 100, 101, 110, 111.
    @Test func abracadabra() throws {
        let w = try HuffmanExplainer.walkthrough(bytes("abracadabra"), limit: nil)
        #expect(w.symbols.map { w.counts[$0] } == [5, 2, 1, 1, 2])  // a b c d r
        #expect(w.totalBits == 23)
        #expect(w.mergeTotalBits == 23)
        #expect(w.kraft == 1 << 15)
        #expect(w.symbols.map { w.lengths[$0] }.sorted() == [1, 3, 3, 3, 3])
        #expect(w.codes[Int(UInt8(ascii: "a"))] == "0")
        #expect(w.codes[Int(UInt8(ascii: "b"))] == "100")
        #expect(w.codes[Int(UInt8(ascii: "c"))] == "101")
        #expect(w.codes[Int(UInt8(ascii: "d"))] == "110")
        #expect(w.codes[Int(UInt8(ascii: "r"))] == "111")
        #expect(abs(w.h0 - 2.0404) < 0.0001)

        let e = try HuffmanExplainer().explain(ExplainInput(bytes: bytes("abracadabra")))
        #expect(fact(e, "total") == 23)
        #expect(fact(e, "Kraft sum") == 1)
        #expect(e.summary.first { $0.name == "Kraft sum" }?.value == "1")
        #expect(abs((fact(e, "n·H0") ?? 0) - 22.4443) < 0.001)
        let text = ExplanationText.render(e)
        #expect(text.contains("total = 5·1 + 2·3 + 1·3 + 1·3 + 2·3 = 23 bits"))
        #expect(text.contains("coded: 0 100 111 0 101 0 110 0 100 111 0"))
        // The tree drawing and the picture show every leaf.
        let tree = e.steps.first { $0.title.contains("tree") }
        #expect(tree?.lines?.count == 9)  // the root and its 8 descendants (3 inner nodes, 5 leaves)
        #expect(e.picture?.hasPrefix("<svg") == true)
        #expect(e.picture?.components(separatedBy: "<rect").count == 6)
    }

    /// The code words are a prefix code and the coded message decodes back.
    @Test func codedMessageDecodes() throws {
        for text in ["abracadabra", "mississippi river", "aaaaaaab", "x", "the quick brown fox jumps over the lazy dog"] {
            let w = try HuffmanExplainer.walkthrough(bytes(text), limit: nil)
            let words = w.codes
            for (s, a) in words { for (t, b) in words where s != t { #expect(!b.hasPrefix(a), "\(text): \(a) prefixes \(b)") } }
            let coded = bytes(text).map { words[Int($0)] ?? "?" }.joined()
            #expect(coded.count == w.totalBits)
            var decoded: [UInt8] = []
            var current = ""
            let inverse = Dictionary(uniqueKeysWithValues: words.map { ($1, UInt8($0)) })
            for c in coded {
                current.append(c)
                if let s = inverse[current] { decoded.append(s); current = "" }
            }
            #expect(decoded == bytes(text))
            // Huffman is within one bit per symbol of n·H0 and never below it.
            let nH0 = Double(text.utf8.count) * w.h0
            #expect(Double(w.totalBits) >= nH0 - 1e-9)
            if w.symbols.count > 1 {
                #expect(Double(w.totalBits) < nH0 + Double(text.utf8.count))
            } else {
                #expect(w.totalBits == text.utf8.count)  // one symbol still needs a 1-bit word
            }
        }
    }

    // Counts 16, 8, 4, 2, 1, 1: Huffman gives lengths 1,2,3,4,5,5 = 16+16+12+8+5+5 = 62 bits.
    // With at most 3 bits: the 16 cannot keep 1 bit (five symbols would then share half the
    // code space in 3-bit words, and only four fit), so 16 and 8 take 2 bits and the other
    // four 3 bits: 2^-2·2 + 2^-3·4 = 1, total 32 + 16 + 3·8 = 72 bits.
    @Test func lengthLimit() throws {
        let text = String(repeating: "a", count: 16) + String(repeating: "b", count: 8) + "ccccddef"
        let w = try HuffmanExplainer.walkthrough(bytes(text), limit: 3)
        #expect(w.unlimitedTotalBits == 62)
        #expect(w.totalBits == 72)
        #expect(w.symbols.map { w.lengths[$0] } == [2, 2, 3, 3, 3, 3])
        #expect(w.kraft == 1 << 15)
        var options = ExplainOptions()
        options.lengthLimit = 3
        let e = try HuffmanExplainer().explain(ExplainInput(bytes: bytes(text), options: options))
        #expect(e.steps.contains { $0.title == "The length limit" })
        #expect(fact(e, "total without limit") == 62)
        // Five symbols cannot fit in 2-bit words: a message, not a trap.
        options.lengthLimit = 2
        #expect(throws: ExplainError.self) { try HuffmanExplainer().explain(ExplainInput(bytes: bytes("abracadabra"), options: options)) }
    }

    @Test func emptyInputIsAnError() {
        #expect(throws: ExplainError.self) { try HuffmanExplainer().explain(ExplainInput(bytes: [])) }
    }

    @Test func largeInputSummarises() throws {
        var options = ExplainOptions()
        options.detailLimit = 50
        let e = try HuffmanExplainer().explain(ExplainInput(bytes: Generators.skewed(5000), options: options))
        #expect(e.input.summarised)
        #expect(!e.steps.contains { $0.title == "Huffman's merges" })
        #expect(e.steps.allSatisfy { $0.lines == nil || $0.lines!.count < 20 })
    }
}

@Suite struct ArithmeticExplainTests {
    // By hand, "abac" with p(a) = 1/2, p(b) = p(c) = 1/4 (the input's own counts 2, 1, 1):
    //   a: [0, 1/2)        b: [1/4, 3/8)      a: [1/4, 5/16)     c: [19/64, 20/64)
    // The last width is 1/2 · 1/4 · 1/2 · 1/4 = 1/64, so −Σ log2 p = 1 + 2 + 1 + 2 = 6 bits,
    // and 19/64 = 0.010011 in binary lies in the interval: the code is 010011, 6 bits.
    // The 16-bit integer coder starts from range 2^16 and the total is 4, so it is exact:
    // after b, low = 1/4 · 2^16 = 16384 and range = 1/8 · 2^16 = 8192.
    @Test func threeSymbolExample() throws {
        let w = ArithmeticExplainer.walkthrough(bytes("abac"))
        #expect(w.model.frequencies == [2, 1, 1] && w.model.total == 4)
        #expect(w.width == 16)
        #expect(w.steps[0].low == 0 && w.steps[0].range == 32768)
        #expect(w.steps[1].low == 16384 && w.steps[1].range == 8192)
        #expect(w.steps[1].shifted == "01")
        #expect(w.code == [0, 1, 0, 0, 1, 1])
        #expect(abs(w.idealBits - 6) < 1e-12)
        #expect(w.decoded == bytes("abac"))

        let e = try ArithmeticExplainer().explain(ExplainInput(bytes: bytes("abac")))
        let exact = e.steps.first { $0.title.contains("narrow") }?.table
        #expect(exact?.rows.map { $0[1] } == ["0.00000000", "0.25000000", "0.25000000", "0.29687500"])
        #expect(exact?.rows.map { $0[2] } == ["0.50000000", "0.37500000", "0.31250000", "0.31250000"])
        #expect(fact(e, "code") == 6)
        #expect(fact(e, "decodes back") == 1)
        #expect(ExplanationText.render(e).contains("code (6 bits): 010011"))
    }

    /// Any input: the emitted bits decode back, no carry is ever lost, and the code is
    /// within 2 bits (plus the integer coder's rounding, under 1/128 bit a symbol) of −Σ log2 p.
    @Test func randomInputsRoundTrip() {
        var rng = SplitMix64(seed: 17)
        var carries = 0
        for trial in 0..<300 {
            let n = Int(rng.next() % 400) + 1
            let alphabet = Int(rng.next() % 12) + 1
            var input: [UInt8] = []
            for _ in 0..<n {
                // Skewed: small symbols far more likely, so intervals get narrow and carries occur.
                let r = rng.next() % UInt64(alphabet * alphabet)
                input.append(UInt8(97 + Int(Double(r).squareRoot())))
            }
            let w = ArithmeticExplainer.walkthrough(input)
            #expect(w.decoded == input, "trial \(trial)")
            #expect(!w.carryLost, "trial \(trial)")
            #expect(Double(w.code.count) <= w.idealBits + 2 + Double(n) / 128, "trial \(trial): \(w.code.count) vs \(w.idealBits)")
            carries += w.steps.filter(\.carry).count
        }
        #expect(carries > 0)  // the carry path was exercised
    }

    @Test func largeAlphabetUsesTheWiderWindowAndScales() throws {
        let input = Generators.random(70_000, seed: 5)
        let w = ArithmeticExplainer.walkthrough(input)
        #expect(w.width == 24)
        #expect(w.model.scaled && w.model.total <= 1 << 16)
        #expect(w.decoded == input)
        var options = ExplainOptions()
        options.detailLimit = 40
        let e = try ArithmeticExplainer().explain(ExplainInput(bytes: input, options: options))
        #expect(e.input.summarised)
        #expect(e.steps.first { $0.title.contains("symbol by symbol") }?.table?.rows.count == 40)
    }
}
