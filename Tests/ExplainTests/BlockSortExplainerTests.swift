import Testing
import BitIO
import Codecs
import Transforms
import TestSupport
@testable import Explain

/// BWT, move-to-front, recency rank and interval explanations against hand-worked examples.
@Suite struct BlockSortExplainerTests {
    static let banana = Array("banana".utf8)

    @Test func bananaTextbookRotations() {
        // Rotations of "banana" sorted: abanan, anaban, ananab, banana, nabana, nanaba.
        let r = BWTExplainer.rotationConvention(Self.banana)
        #expect(String(decoding: r.last, as: UTF8.self) == "nnbaaa")
        #expect(r.index == 3)
    }

    @Test func bananaOurConventionWithTerminator() throws {
        // Rotations of banana$ sorted ($ first): $banana, a$banan, ana$ban, anana$b,
        // banana$, na$bana, nana$ba: L = a n n b $ a a, S$ in row 4.
        let starts = BWTExplainer.rowStarts(Self.banana)
        let rows = starts.map { BWTExplainer.rotation(Self.banana, start: $0, width: 7).joined() }
        #expect(rows == ["$banana", "a$banan", "ana$ban", "anana$b", "banana$", "na$bana", "nana$ba"])
        let (bwt, primary) = BurrowsWheeler.forward(Self.banana)
        #expect(String(decoding: bwt, as: UTF8.self) == "annbaa")
        #expect(primary == 4)
        let e = try BWTExplainer().explain(ExplainInput(bytes: Self.banana))
        #expect(e.summary.first { $0.name == "primary index" }?.number == 4)
        #expect(e.summary.first { $0.name == "last column (L)" }?.value == "\"annbaa\"")
        let text = ExplanationText.render(e)
        #expect(text.contains("nnbaaa"))
        #expect(text.contains("4  banana  $"))
    }

    @Test func bananaPictureHighlightsTheLastColumn() throws {
        let e = try BWTExplainer().explain(ExplainInput(bytes: Self.banana))
        let svg = try #require(e.picture)
        #expect(svg.hasPrefix("<svg"))
        #expect(svg.contains("class=\"last-column\""))
        #expect(svg.contains("class=\"primary\""))
        // 7 rows × 7 cells of text, plus F, L and 7 row numbers.
        #expect(svg.components(separatedBy: "<text").count - 1 == 49 + 2 + 7)
    }

    @Test func moveToFrontByHand() {
        // List 0…255. n (110) → 110, to front; n → 0; b (98) now at 99; a (97) now at 99
        // (n and b moved in front of it); a → 0; a → 0.
        #expect(MoveToFront.encode(Array("nnbaaa".utf8)) == [110, 0, 99, 99, 0, 0])
        // Our own last column: a → 97; n → 110; n → 0; b → 99 (a, n in front); a → 2; a → 0.
        #expect(MoveToFront.encode(Array("annbaa".utf8)) == [97, 110, 0, 99, 2, 0])
    }

    @Test func recencyRankAndIntervalByHand() {
        // First occurrences escape as 256 + byte; a at 4 has n, b since its last occurrence.
        #expect(RecencyRank.encode(Array("annbaa".utf8)) == [353, 366, 0, 354, 2, 0])
        // First x at i: i + 256 − x; then distances back.
        #expect(IntervalTransform.encode(Array("annbaa".utf8)) == [159, 147, 1, 161, 4, 1])
    }

    @Test func codewordsAreTheTextbookOnes() {
        #expect(ExplainFormat.codeword(.gamma, 1) == "1")
        #expect(ExplainFormat.codeword(.gamma, 2) == "010")
        #expect(ExplainFormat.codeword(.gamma, 5) == "00101")
        #expect(ExplainFormat.codeword(.delta, 7) == "01111")
        #expect(ExplainFormat.codeword(.fibonacci, 1) == "11")
        #expect(ExplainFormat.codeword(.fibonacci, 4) == "1011")
        #expect(ExplainFormat.codeword(.fibonacci, 12) == "101011")
    }

    @Test func mtfExplanationTotals() throws {
        let e = try MTFExplainer().explain(ExplainInput(bytes: Array("nnbaaa".utf8)))
        // γ(111) = 13 bits, γ(1) = 1, γ(100) = 13, γ(100) = 13, 1, 1.
        #expect(e.summary.first { $0.name == "γ bits" }?.number == 42)
        #expect(e.summary.first { $0.name == "ranks" }?.value == "110 0 99 99 0 0")
    }

    /// The computed payloads are what the rank and interval codecs write at levels 1–4.
    @Test(arguments: ["rank", "interval"])
    func payloadsMatchTheCodecs(_ which: String) throws {
        let bytes = Generators.skewed(5000)
        let e = which == "rank" ? try RankExplainer().explain(ExplainInput(bytes: bytes))
                                : try IntervalExplainer().explain(ExplainInput(bytes: bytes))
        let table = try #require(e.steps.last?.table)
        #expect(table.rows.count == 4)
        for row in table.rows { #expect(row[4] == row[5], "\(which) \(row[0])") }
    }

    @Test func largeInputSummarisesTheMatrix() throws {
        var options = ExplainOptions()
        options.detailLimit = 50
        let bytes = Generators.repetitive(2000)
        let e = try BWTExplainer().explain(ExplainInput(bytes: bytes, options: options))
        #expect(e.input.summarised)
        // The first rows, then (past a gap) the primary row if it is not among them.
        let lines = try #require(e.steps[0].lines)
        #expect(lines.count == BWTExplainer.partialRows || lines.count == BWTExplainer.partialRows + 2)
        #expect(lines.filter { $0.contains("← primary index") }.count == 1)
        #expect(e.steps[2].table?.rows.count == 50)
    }
}
