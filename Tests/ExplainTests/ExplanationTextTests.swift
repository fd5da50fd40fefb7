import Testing
@testable import Explain

@Suite struct ExplanationTextTests {
    @Test func tableColumnsAlign() {
        let t = Explanation.Table(columns: ["symbol", "bits"], rows: [["a", "1"], ["b", "10"]], alignRight: [false, true])
        #expect(ExplanationText.render(t) == """
              symbol  bits
              ------  ----
              a          1
              b         10

            """)
    }

    @Test func printableEscapesControlBytes() {
        #expect(ExplainInput.printable([0x61, 0x20, 0x0A, 0x00, 0xFF]) == "a␣\\n\\x00\\xff")
        #expect(ExplainInput.printable(Array("abcdef".utf8), limit: 3) == "abc…")
    }

    @Test func everyExplainerHasAUniqueName() {
        let names = Explainers.all.map { $0.name }
        #expect(Set(names).count == names.count)
    }
}
