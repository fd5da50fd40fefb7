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

    /// The word-at-a-time `position(of:in:)` and `promote` against the plain
    /// definitions, on lists of every length from 1 to 40 and of 256, with
    /// each entry looked up and moved, byte values chosen to stress the
    /// zero-byte test (0x00, 0x01, 0x80, 0xFF next to each other).
    @Test func wordStepsMatchThePlainDefinitions() {
        var rng = SplitMix64(seed: 77)
        let tricky: [UInt8] = [0x00, 0x01, 0x80, 0xFF, 0x7F, 0x81, 0x02, 0xFE]
        for length in Array(1...40) + [256] {
            for round in 0..<20 {
                // Distinct values: a shuffled prefix of tricky bytes, then others.
                var values = (0...255).map { UInt8($0) }.shuffled(using: &rng)
                if round % 2 == 0 { values = tricky.shuffled(using: &rng) + values.filter { !tricky.contains($0) } }
                var list = Array(values.prefix(length))
                let rank = Int(rng.next() % UInt64(length))
                let byte = list[rank]
                var expected = list
                expected.remove(at: rank)
                expected.insert(byte, at: 0)
                list.withUnsafeMutableBufferPointer { l in
                    #expect(MoveToFront.position(of: byte, in: l) == rank, "length \(length)")
                    #expect(MoveToFront.promote(l, rank: rank) == byte)
                }
                #expect(list == expected, "length \(length), rank \(rank)")
                // A byte not in the list gives the list's length.
                if let absent = (0...255).map({ UInt8($0) }).first(where: { !list.contains($0) }) {
                    list.withUnsafeMutableBufferPointer { l in #expect(MoveToFront.position(of: absent, in: l) == length) }
                }
            }
        }
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
