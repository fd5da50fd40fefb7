import Testing
import Transforms
import BitIO
import TestSupport

/// Reference recency rank straight from the definition: distinct bytes strictly
/// between the previous occurrence and here; 256 + x on a first occurrence.
func naiveRecencyRanks(_ s: [UInt8]) -> [UInt32] {
    s.indices.map { i in
        guard let j = s[..<i].lastIndex(of: s[i]) else { return 256 + UInt32(s[i]) }
        return UInt32(Set(s[(j + 1)..<i]).count)
    }
}

@Suite struct RecencyRankTests {
    @Test func handComputedExample() {
        // a b a a c b: a, b first; a after {b}: 1; a again: 0; c first; b after {a, c}: 2.
        let want: [UInt32] = [353, 354, 1, 0, 355, 2]
        #expect(RecencyRank.encode(Array("abaacb".utf8)) == want)
    }

    @Test func matchesDefinition() {
        var g = SplitMix64(seed: 9)
        for alphabet in [1, 3, 16, 256] {
            let s = (0..<600).map { _ in UInt8(truncatingIfNeeded: Int(g.next() % UInt64(alphabet))) }
            #expect(RecencyRank.encode(s) == naiveRecencyRanks(s), "alphabet \(alphabet)")
        }
    }

    @Test func equalsMoveToFrontOnRepeats() {
        // For a byte seen before, its recency rank is its MTF rank.
        let s = Generators.skewed(20_000)
        let ranks = RecencyRank.encode(s), mtf = MoveToFront.encode(s)
        for i in s.indices where ranks[i] < 256 { #expect(ranks[i] == UInt32(mtf[i])) }
    }

    @Test(arguments: Generators.adversarial())
    func roundTrip(_ c: (String, [UInt8])) throws {
        let v = RecencyRank.encode(c.1)
        #expect(v.count == c.1.count && v.allSatisfy { $0 <= RecencyRank.maximumValue })
        #expect(try RecencyRank.decode(v) == c.1, "\(c.0)")
    }

    @Test func invalidValuesThrow() {
        #expect(throws: CodecError.self) { try RecencyRank.decode([0]) }             // nothing seen yet
        #expect(throws: CodecError.self) { try RecencyRank.decode([300, 1]) }        // only one byte seen
        #expect(throws: CodecError.self) { try RecencyRank.decode([300, 300]) }      // escape for a seen byte
        #expect(throws: CodecError.self) { try RecencyRank.decode([512]) }
        #expect(throws: CodecError.self) { try RecencyRank.decode([.max]) }
        let decoded = try? RecencyRank.decode([300, 0, 301, 1])
        #expect(decoded == [44, 44, 45, 44])
    }

    @Test func randomValuesThrowOrDecode() {
        var g = SplitMix64(seed: 5)
        for _ in 0..<200 {
            let v = (0..<50).map { _ in UInt32(g.next() % 600) }
            if let out = try? RecencyRank.decode(v) { #expect(RecencyRank.encode(out) == v) }
        }
    }
}
