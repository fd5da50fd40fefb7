import Testing
import Transforms
import TestSupport

@Suite struct MoveToFrontTests {
    @Test func handComputedExample() {
        // "aab": a (97) has rank 97 and moves to the front, then rank 0; b (98) is still at 98.
        #expect(MoveToFront.encode(Array("aab".utf8)) == [97, 0, 98])
        // "bab": b has rank 98; the list is now [b, 0, 1, …], so a (97) is at 98; then b is at 1.
        #expect(MoveToFront.encode(Array("bab".utf8)) == [98, 98, 1])
    }

    @Test(arguments: Generators.adversarial())
    func roundTrip(_ c: (String, [UInt8])) {
        let ranks = MoveToFront.encode(c.1)
        #expect(ranks.count == c.1.count)
        #expect(MoveToFront.decode(ranks) == c.1, "\(c.0)")
    }

    @Test func repeatsBecomeZeros() {
        let ranks = MoveToFront.encode([UInt8](repeating: 200, count: 1000))
        #expect(ranks.first == 200 && ranks.dropFirst().allSatisfy { $0 == 0 })
    }

    @Test func everyRankSequenceDecodes() {
        // Any bytes are valid ranks; decoding then encoding gives them back.
        let ranks = Generators.random(50_000, seed: 11)
        #expect(MoveToFront.encode(MoveToFront.decode(ranks)) == ranks)
    }

    @Test func shortOutputIsRefused() {
        let input: [UInt8] = [1, 2, 3]
        var out = [UInt8](repeating: 0, count: 2)
        let ok = input.withUnsafeBytes { i in out.withUnsafeMutableBytes { o in MoveToFront.encode(i, into: o) } }
        #expect(!ok && out == [0, 0])
    }
}
