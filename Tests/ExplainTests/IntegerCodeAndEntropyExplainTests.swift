import BitIO
import Entropy
import Foundation
import Testing
import TestSupport
@testable import Explain

private func words(_ code: UniversalCode, _ values: ClosedRange<UInt64>) throws -> [String] {
    try values.map { try IntegerCodeWalk.word($0, code: code).written }
}

@Suite struct IntegerCodeExplainTests {
    // Worked from the definitions (n in binary has N bits):
    //   γ: N−1 zeros, then n.           γ(1)=1, γ(2)=010, γ(5)=00101, γ(17)=000010001
    //   δ: γ(N), then n minus its 1.    δ(1)=1, δ(2)=γ(2)·0=0100, δ(4)=γ(3)·00=01100, δ(17)=γ(5)·0001=001010001
    //   ω: groups back to 1, then 0.    ω(1)=0, ω(2)=10·0, ω(4)=10·100·0, ω(17): 17=10001 (5 bits) ← 4=100 (3 bits) ← 2=10 → 10100100010
    @Test func eliasTablesOneToSeventeen() throws {
        #expect(try words(.gamma, 1...17) == [
            "1", "010", "011", "00100", "00101", "00110", "00111", "0001000", "0001001", "0001010", "0001011",
            "0001100", "0001101", "0001110", "0001111", "000010000", "000010001"])
        #expect(try words(.delta, 1...17) == [
            "1", "0100", "0101", "01100", "01101", "01110", "01111", "00100000", "00100001", "00100010", "00100011",
            "00100100", "00100101", "00100110", "00100111", "001010000", "001010001"])
        #expect(try words(.omega, 1...17) == [
            "0", "100", "110", "101000", "101010", "101100", "101110", "1110000", "1110010", "1110100", "1110110",
            "1111000", "1111010", "1111100", "1111110", "10100100000", "10100100010"])
    }

    // Fibonacci: Zeckendorf bits for 1, 2, 3, 5, 8, 13 smallest first, then a 1:
    // 4 = 3+1 → 101·1, 6 = 5+1 → 1001·1, 12 = 8+3+1 → 10101·1, 17 = 13+3+1 → 101001·1.
    @Test func fibonacciOneToSeventeen() throws {
        #expect(try words(.fibonacci, 1...17) == [
            "11", "011", "0011", "1011", "00011", "10011", "01011", "000011", "100011", "010011", "001011",
            "101011", "0000011", "1000011", "0100011", "0010011", "1010011"])
        #expect(try IntegerCodeWalk.word(17, code: .fibonacci).note == "13+3+1")
    }

    // Golomb m = 3: b = 2, u = 1, so r = 0 is "0" and r = 1, 2 are r+1 in 2 bits ("10", "11");
    // the quotient is q zeros and a one (squeeze's unary puts the zeros first).
    // Rice k = 2: q = n >> 2 as zeros and a one, then the 2 low bits.
    @Test func golombAndRiceSmallValues() throws {
        #expect(try words(.golomb(3), 0...9) == ["10", "110", "111", "010", "0110", "0111", "0010", "00110", "00111", "00010"])
        #expect(try words(.rice(2), 0...9) == ["100", "101", "110", "111", "0100", "0101", "0110", "0111", "00100", "00101"])
        #expect(try words(.unary, 0...3) == ["1", "01", "001", "0001"])
        #expect(try IntegerCodeWalk.word(7, code: .golomb(3)).parts == ["001", "10"])
        #expect(try IntegerCodeWalk.word(9, code: .rice(2)).parts == ["001", "01"])
    }

    /// The parts worked out from each definition are exactly what BitIO writes.
    @Test func partsMatchTheEncoderWrites() throws {
        let codes: [UniversalCode] = [.unary, .gamma, .delta, .omega, .fibonacci, .golomb(1), .golomb(3), .golomb(5), .golomb(8), .rice(0), .rice(3)]
        for code in codes {
            for n in code.minimumValue...600 where code.codeLength(n) <= IntegerCodeWalk.maxBits {
                let w = try IntegerCodeWalk.word(n, code: code)
                #expect(w.consistent, "\(code) \(n): \(w.parts) vs \(w.written)")
                #expect(w.bits == code.codeLength(n))
            }
            for n: UInt64 in [1 << 40, UInt64.max / 3, .max] where code.codeLength(n) <= IntegerCodeWalk.maxBits {
                let w = try IntegerCodeWalk.word(n, code: code)
                #expect(w.consistent, "\(code) \(n)")
            }
        }
    }

    @Test func explanationsAndErrors() throws {
        let e = try EliasGammaExplainer().explain(ExplainInput(integers: [17]))
        #expect(e.summary.first?.value == "000010001")
        #expect(ExplanationText.render(e).contains("N−1 zeros: 0000"))
        var options = ExplainOptions()
        options.parameter = 3
        let g = try GolombExplainer().explain(ExplainInput(integers: Array(0...9), options: options))
        #expect(g.summary.first { $0.name == "total" }?.number == 38)
        #expect(EliasOmegaExplainer.readsIntegers && UnaryExplainer.readsIntegers && !HuffmanExplainer.readsIntegers)
        // Outside the domain or too long to show: a message, not a trap.
        #expect(throws: ExplainError.self) { try EliasGammaExplainer().explain(ExplainInput(integers: [0])) }
        #expect(throws: ExplainError.self) { try UnaryExplainer().explain(ExplainInput(integers: [1_000_000_000_000])) }
        options.parameter = 0
        #expect(throws: ExplainError.self) { try GolombExplainer().explain(ExplainInput(integers: [5], options: options)) }
        options.parameter = 64
        #expect(throws: ExplainError.self) { try RiceExplainer().explain(ExplainInput(integers: [5], options: options)) }
        // A long range summarises its table but totals every value.
        options = ExplainOptions()
        options.detailLimit = 10
        let big = try FibonacciExplainer().explain(ExplainInput(integers: Array(1...1000), options: options))
        #expect(big.input.summarised)
        #expect(big.steps.last?.table?.rows.count == 10)
        let total = (1...1000).reduce(0) { $0 + FibonacciCode.codeLength(UInt64($1)) }
        #expect(big.summary.first { $0.name == "total" }?.number == Double(total))
    }
}

@Suite struct EntropyExplainTests {
    // "mississippi": i4 s4 p2 m1, n = 11.
    //   n·H0 = 11·log2 11 − 4·2 − 4·2 − 2·1 − 0 = 38.0538 − 18 = 20.0538 bits, H0 = 1.8231.
    //   H1 (context = previous byte, 0x00 before the start):
    //     \0→m, m→i: certain, 0 bits;  i→s,s,p: 2·log2(3/2) + log2 3 = 2.7549;
    //     s→s,i,s,i: 4·1 = 4;  p→p,i: 2·1 = 2.   n·H1 = 8.7549, H1 = 0.7959.
    @Test func mississippiByHand() throws {
        let orders = EntropyExplainer.orders(Array("mississippi".utf8), maxOrder: 1)
        #expect(abs(orders[0].totalBits - 20.0538) < 0.0001)
        #expect(abs(orders[0].entropy - 1.8231) < 0.0001)
        #expect(abs(orders[1].totalBits - (2 * log2(1.5) + log2(3.0) + 6)) < 1e-9)
        #expect(abs(orders[1].entropy - 0.7959) < 0.0001)
        #expect(orders[1].contexts == 5)
        let i = orders[1].pairs.filter { $0.context == [UInt8(ascii: "i")] }
        #expect(i.map(\.count) == [1, 2] && i.allSatisfy { $0.contextCount == 3 })  // p once, s twice
    }

    // "abracadabra": n·H0 = 11·log2 11 − 5·log2 5 − 2 − 2 − 2 − 2 = 22.4443; H1: only the
    // context a is uncertain (b, b, c, d): 2·1 + 2 + 2 = 6 bits, H1 = 6/11.
    @Test func abracadabraAndTheEstimatorAgree() throws {
        var options = ExplainOptions()
        options.order = 3
        let e = try EntropyExplainer().explain(ExplainInput(bytes: Array("abracadabra".utf8), options: options))
        #expect(abs((e.summary.first { $0.name == "H0" }?.number ?? 0) - 22.4443 / 11) < 0.0001)
        #expect(abs((e.summary.first { $0.name == "H1" }?.number ?? 0) - 6.0 / 11) < 1e-12)
        #expect(e.summary.first { $0.name == "agrees with EmpiricalEntropy" }?.value == "yes")
        #expect(e.steps.count == 5)  // H0, H1, H2, H3, side by side
        for text in ["the cat sat on the mat", "aaaaaaaaab", String(repeating: "abcab", count: 80)] {
            let bytes = Array(text.utf8)
            let mine = EntropyExplainer.orders(bytes, maxOrder: 4).map(\.entropy)
            let theirs = EmpiricalEntropy.conditionalEntropies(bytes, maxOrder: 4)
            for k in 0...4 { #expect(abs(mine[k] - theirs[k]) < 1e-9, "\(text) H\(k)") }
        }
        options.order = 9
        #expect(throws: ExplainError.self) { try EntropyExplainer().explain(ExplainInput(bytes: Array("abc".utf8), options: options)) }
    }
}

@Suite struct ExplanationHTMLTests {
    @Test func oneSectionPerStepAndSelfContained() throws {
        let e = try HuffmanExplainer().explain(ExplainInput(bytes: Array("abracadabra <&>".utf8)))
        let html = ExplanationHTML.render(e)
        let sections = html.components(separatedBy: "<section class=\"step\"").count - 1
        #expect(sections == e.steps.count + 1)  // the steps and the summary
        #expect(html.contains("id=\"step-\(sections)\""))
        #expect(html.contains("<svg"))
        // Nothing is fetched: no src=, no <link>, no CSS url() or @import.
        for marker in ["src=", "<link", "url(", "@import"] { #expect(!html.contains(marker), "\(marker)") }
        #expect(html.contains("&lt;&amp;&gt;"))  // the input, escaped
        #expect(html.contains("ArrowRight") && html.contains("step[=-]"))
    }

    @Test func aPictureWithoutAStepSVGGetsItsOwnStep() {
        let e = Explanation(algorithm: "x", title: "t", input: .init(shown: "x", count: 1),
                            steps: [.init(title: "one", text: "a\nb")], summary: [], picture: "<svg></svg>")
        let html = ExplanationHTML.render(e)
        #expect(html.components(separatedBy: "<section class=\"step\"").count - 1 == 2)
        #expect(html.contains("<p>a</p><p>b</p>"))
    }
}
