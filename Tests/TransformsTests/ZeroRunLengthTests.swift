import Testing
import Transforms
import BitIO
import TestSupport

/// Ranks shaped like move-to-front output: mostly zeros in runs of every length.
private func mtfLikeRanks(_ count: Int, seed: UInt64) -> [UInt8] {
    var g = SplitMix64(seed: seed)
    var out: [UInt8] = []
    while out.count < count {
        let run = Int(g.next() % 4 == 0 ? g.next() % 3000 : g.next() % 6)
        out.append(contentsOf: repeatElement(0, count: run))
        out.append(UInt8(truncatingIfNeeded: g.next() % 255 + 1))
    }
    return Array(out.prefix(count))
}

@Test func zeroRunDigitsAreBijectiveBaseTwo() {
    // m = Σ (digit_k) 2^k with digits 1 (runA) and 2 (runB), least significant first.
    #expect(ZeroRunLength.encode([0]) == [0])
    #expect(ZeroRunLength.encode([0, 0]) == [1])
    #expect(ZeroRunLength.encode([0, 0, 0]) == [0, 0])
    #expect(ZeroRunLength.encode([0, 0, 0, 0]) == [1, 0])
    #expect(ZeroRunLength.encode([5, 0, 0, 0, 0, 0, 255]) == [6, 0, 1, 256])
    for m in 1...2000 {
        let symbols = ZeroRunLength.encode([UInt8](repeating: 0, count: m))
        var value = 0, weight = 1
        for s in symbols { value += (Int(s) + 1) * weight; weight *= 2 }
        #expect(value == m)
        #expect(symbols.count == (m + 1).bitWidth - (m + 1).leadingZeroBitCount - 1)
    }
}

@Test(arguments: [0, 1, 7, 1000, 100_000])
func zeroRunRoundTrips(_ count: Int) throws {
    for input in [mtfLikeRanks(count, seed: UInt64(count) + 1), Generators.random(count, seed: 5),
                  [UInt8](repeating: 0, count: count)] {
        let symbols = ZeroRunLength.encode(input)
        #expect(symbols.count <= input.count)
        #expect(symbols.allSatisfy { $0 <= 256 })
        #expect(try ZeroRunLength.decode(symbols, count: input.count) == input)
    }
}

@Test func zeroRunDecoderRejectsBadSymbols() {
    #expect(throws: CodecError.self) { try ZeroRunLength.decode([257], count: 1) }
    #expect(throws: CodecError.self) { try ZeroRunLength.decode([2, 2], count: 1) }
    // Three digits 2 make a run of 14: longer than the block.
    #expect(throws: CodecError.self) { try ZeroRunLength.decode([1, 1, 1], count: 13) }
    // A very long run of digits must not overflow or trap.
    #expect(throws: CodecError.self) { try ZeroRunLength.decode([UInt16](repeating: 1, count: 200), count: 1000) }
    #expect(throws: CodecError.self) { try ZeroRunLength.decode([0], count: 2) }
}
