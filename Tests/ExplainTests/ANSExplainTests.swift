import Testing
import TestSupport
import Explain
import Entropy

@Suite struct ANSExplainTests {
    @Test func abracadabra() throws {
        let text = Array("abracadabra".utf8)
        let w = try ANSExplainer.walkthrough(text, tableLog: nil)
        #expect(w.frequencies.tableLog == 5)
        #expect(w.frequencies.counts.reduce(0, +) == 32)
        // a5 b2 r2 c1 d1 over 32 slots: the cost-minimising counts.
        #expect([UInt8]("abcdr".utf8).map { w.frequencies.counts[Int($0)] } == [14, 6, 3, 3, 6])
        #expect(w.decoded == text)
        // The encoder starts in state L = 32 with the last symbol: a (f = 14) needs 32 >> 1 = 16 ∈ [14, 28).
        let first = try #require(w.encoding.first)
        #expect(first.position == 10 && first.symbol == UInt8(ascii: "a") && first.stateBefore == 32)
        #expect(first.bits == 1 && first.value == 0 && first.stateAfter == 36)
        // The decoder ends where the encoder began, and the bits add up.
        #expect(w.decoding.last?.stateAfter == 32)
        #expect(w.payloadBits == w.encoding.reduce(0) { $0 + $1.bits } + 5)
        let e = try ANSExplainer().explain(ExplainInput(bytes: text))
        #expect(e.summary.first { $0.name == "round trip" }?.value == "exact")
        #expect(e.steps.count == 5)
        let rendered = ExplanationText.render(e)
        #expect(rendered.contains("Encoding, last symbol first"))
    }

    /// The walk uses the coder's own tables: the transitions invert, on any text and table size.
    @Test func walksRoundTripAndCostNearTheNormalisedCounts() throws {
        for (k, text) in [Generators.skewed(400, seed: 3), Array("mississippi river".utf8), Generators.random(300, seed: 4)].enumerated() {
            for log in [nil, 8, 10] as [Int?] {
                let w = try ANSExplainer.walkthrough(text, tableLog: log)
                #expect(w.decoded == text, "text \(k) log \(String(describing: log))")
                // tANS spends close to Σ c·log2(L/f): within a few bits per symbol-kind plus the final state.
                #expect(Double(w.payloadBits) <= w.normalisedCost * 1.05 + Double(w.frequencies.tableLog) + 8)
            }
        }
    }

    @Test func badInputGivesAnExplainError() {
        #expect(throws: ExplainError.self) { try ANSExplainer.walkthrough([], tableLog: nil) }
        #expect(throws: ExplainError.self) { try ANSExplainer.walkthrough([1, 2], tableLog: 3) }
        #expect(throws: ExplainError.self) { try ANSExplainer.walkthrough((0..<40).map { UInt8($0) }, tableLog: 5) }
    }
}
