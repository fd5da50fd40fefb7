import Testing
import BitIO
import Codecs
import Entropy
import TestSupport
@testable import Explain
#if canImport(Glibc)
import Glibc
#endif

/// PPM explanations: a hand-worked method-C example, the estimator's totals, and
/// the real ppma…ppmd codecs.
@Suite struct PPMExplainerTests {
    static let abra = Array("abracadabra".utf8)

    /// Method C (escape = distinct symbols), order 2, our codec's rules: order 0 starts
    /// with all 256 bytes at count 1; the context that codes a symbol counts it.
    @Test func abracadabraMethodCByHand() {
        var walk = PPMWalk(method: .c, maxOrder: 2)
        var tries: [[PPMWalk.Try]] = []
        var total = 0.0
        for i in Self.abra.indices {
            let r = walk.code(Self.abra, at: i, record: true)
            tries.append(r.tries)
            total += r.bits
        }
        func p(_ t: PPMWalk.Try) -> String { "\(Int(t.numerator))/\(Int(t.denominator))" }
        // a, b, r: new to order 0, which then holds 256, 257, 258 counts.
        #expect(tries[0].map(p) == ["1/256"])
        #expect(tries[1].map(p) == ["1/257"])
        #expect(tries[2].map(p) == ["1/258"])
        // a again at order 0: count 2 of 259 (order 1 "r" not built yet).
        #expect(tries[3].map(p) == ["2/259"])
        // c: context "a" has seen only b once: escape 1/(1+1); b excluded from order 0
        // (its count 2 leaves the total: 260 − 2), c has count 1: 1/258.
        #expect(tries[4].map { $0.order } == [1, 0])
        #expect(tries[4].map { $0.event } == [.escape, .hit])
        #expect(tries[4].map(p) == ["1/2", "1/258"])
        #expect(tries[4][1].counts.contains("[b:2]"))
        // d: "a" has b, c once each: escape 2/(2+2); order 0 without b, c: 262 − 4.
        #expect(tries[6].map(p) == ["2/4", "1/258"])
        // b after "a" = {b:1, c:1, d:1}: 1/(3+3); then "ab" = {r:1} and "br" = {a:1}: 1/2 each.
        #expect(tries[8].map(p) == ["1/6"])
        #expect(tries[9].map { $0.order } == [2])
        #expect(tries[9].map(p) == ["1/2"])
        #expect(tries[10].map(p) == ["1/2"])
        let hand = log2(256.0) + log2(257.0) + log2(258.0) + log2(259.0 / 2) + 1 + log2(258.0)
            + log2(261.0 / 3) + 1 + log2(258.0) + log2(263.0 / 4) + log2(6.0) + 1 + 1
        #expect(abs(total - hand) < 1e-9)
    }

    /// The other methods differ only where escapes are coded.
    @Test func abracadabraEscapesUnderAAndD() {
        func probabilities(_ m: PPMWalk.Method, at position: Int) -> [Double] {
            var walk = PPMWalk(method: m, maxOrder: 2)
            var result: [Double] = []
            for i in 0...position { result = walk.code(Self.abra, at: i, record: true).tries.map { $0.numerator / $0.denominator } }
            return result
        }
        #expect(probabilities(.a, at: 6).first == 1.0 / 3)   // escape count 1 over two symbols seen once
        #expect(probabilities(.a, at: 8) == [1.0 / 4])
        #expect(probabilities(.d, at: 6).first == 2.0 / 4)   // q/2n
        #expect(probabilities(.d, at: 8) == [1.0 / 6])       // (2·1 − 1)/2n
        // B predicts nothing seen only once: every escape at order 1 is certain and free.
        var b = PPMWalk(method: .b, maxOrder: 2)
        var events: [PPMWalk.Event] = []
        for i in 0...8 { events = b.code(Self.abra, at: i, record: true).tries.map { $0.event } }
        #expect(events.first == .certainEscape)
    }

    /// With the estimator's conventions and method D the walk is squeeze estimate's PPM-D.
    @Test(arguments: [1, 2, 3, 5])
    func estimatorConventionsReproducePPMEstimator(_ order: Int) throws {
        for bytes in [Self.abra, Generators.skewed(4000), try readFile("\(TestCorpus.root)/canterbury/fields.c")] {
            let walk = PPMWalk.bits(bytes, method: .d, order: order, conventions: .estimator).bits
            let estimate = PPMEstimator.estimate(bytes, maxOrder: order).bits
            #expect(abs(walk - estimate) < 1e-6 * max(1, estimate), "order \(order): \(walk) vs \(estimate)")
        }
    }

    /// The walk follows the codecs' trie: its ideal code length is what each ppmX codec
    /// writes, less its 5-byte header and the range coder's few bytes of flush.
    @Test(arguments: PPMWalk.Method.allCases)
    func walkMatchesTheCodec(_ method: PPMWalk.Method) throws {
        let text = try readFile("\(TestCorpus.root)/canterbury/alice29.txt")
        for (bytes, order) in [(Array(text.prefix(30_000)), 2), (Array(text.prefix(12_000)), 4), (Generators.skewed(8000), 1)] {
            let bits = PPMWalk.bits(bytes, method: method, order: order).bits
            let real = try #require(PPMExplainer.measured(bytes, method: method, order: order))
            #expect(!real.stored && real.restarts == 0)
            let ideal = bits / 8 + 5
            #expect(Double(real.bytes) >= ideal - 1 && Double(real.bytes) <= ideal + 10,
                    "\(method) order \(order): codec \(real.bytes) bytes, walk \(ideal)")
        }
    }

    @Test func optionsAreChecked() {
        var o = ExplainOptions()
        o.order = 9
        #expect(throws: ExplainError.self) { try PPMExplainer().explain(ExplainInput(bytes: Self.abra, options: o)) }
        o.order = 2
        o.escape = "E"
        #expect(throws: ExplainError.self) { try PPMExplainer().explain(ExplainInput(bytes: Self.abra, options: o)) }
    }

    @Test func defaultShowsFourMethodsAndDetailsC() throws {
        let e = try PPMExplainer().explain(ExplainInput(bytes: Self.abra))
        #expect(e.steps[1].table?.rows.map { $0[0] } == ["A", "B", "C", "D"])
        #expect(e.summary.first { $0.name == "method" }?.value == "C, order 2")
        var o = ExplainOptions()
        o.escape = "D"
        let d = try PPMExplainer().explain(ExplainInput(bytes: Self.abra, options: o))
        #expect(d.steps.count == e.steps.count - 1)
        #expect(d.summary.first { $0.name == "total" }?.number == e.summary.first { $0.name == "total, method D" }?.number)
    }
}
