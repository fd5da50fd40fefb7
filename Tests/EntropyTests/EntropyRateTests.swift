import Testing
import Entropy
import Transforms
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

private func text(_ s: String) -> [UInt8] { Array(s.utf8) }

/// Longest previous factor straight from the definition (reference).
private func referenceLPF(_ t: [UInt8]) -> [Int32] {
    (0..<t.count).map { i in
        var best = 0
        for j in 0..<i {
            var l = 0
            while i + l < t.count && t[j + l] == t[i + l] { l += 1 }
            best = max(best, l)
        }
        return Int32(best)
    }
}

@Suite struct MatchLengthEstimatorTests {
    @Test func longestPreviousFactorMatchesTheDefinition() {
        #expect(LongestPreviousFactor.lpf(text("abab")) == [0, 0, 2, 1])
        #expect(LongestPreviousFactor.lpf(text("aaaa")) == [0, 3, 2, 1])
        #expect(LongestPreviousFactor.lpf(text("abracadabra")) == referenceLPF(text("abracadabra")))
        var rng = SplitMix64(seed: 9)
        for alphabet in [1, 2, 3, 26] {
            for length in [1, 2, 7, 40, 300] {
                let t = (0..<length).map { _ in UInt8(97 + Int(rng.next() % UInt64(alphabet))) }
                #expect(LongestPreviousFactor.lpf(t) == referenceLPF(t), "alphabet \(alphabet), length \(length)")
            }
        }
    }

    /// "abab": Λ_1 = 1 ('b' is new), Λ_2 = 3 ("ab" seen at 0, "aba" not), Λ_3 = 2 ("b" seen, "b" + end not);
    /// Ĥ = 3 / (1/log2 2 + 3/log2 3 + 2/log2 4).
    @Test func handComputedMatchLengths() throws {
        #expect(MatchLengthEntropyRate.matchLengths(text("abab")) == [1, 1, 3, 2])
        let e = try #require(MatchLengthEntropyRate.estimate(text("abab")))
        let expected = 3 / (1 / 1.0 + 3 / log2(3.0) + 2 / 2.0)
        #expect(abs(e.bitsPerSymbol - expected) < 1e-12)
        #expect(abs(e.meanMatchLength - 2) < 1e-12)
        #expect(e.longestMatch == 3)
        #expect(MatchLengthEntropyRate.estimate(text("a")) == nil)
    }

    @Test func spreadIsPositiveOnNoiseAndTheEstimateFallsOnRepeats() throws {
        let noise = SyntheticSource.iid(QuantizedDistribution([1, 1, 1, 1])!).generate(count: 1 << 14, seed: 3)
        let e = try #require(MatchLengthEntropyRate.estimate(noise))
        #expect(e.standardError > 0 && e.standardError < 0.2)
        #expect(e.batches == 16)
        let repeated = Array(repeating: noise.prefix(1000), count: 16).flatMap { $0 }
        let r = try #require(MatchLengthEntropyRate.estimate(repeated))
        #expect(r.bitsPerSymbol < e.bitsPerSymbol / 4)
    }
}

@Suite struct BlockEntropyEstimatorTests {
    /// G(1) = −γ − ln 2, G(2) = 2 − γ − ln 2, G(3) = G(2), G(4) = G(2) + 2/3 (Grassberger 2003),
    /// and the asymptotic series agrees with the recursion where one hands over to the other.
    @Test func grassbergerG() {
        let gamma = 0.5772156649015329
        #expect(abs(BlockEntropyRate.grassbergerG(1) - (-gamma - log(2.0))) < 1e-12)
        #expect(abs(BlockEntropyRate.grassbergerG(2) - (2 - gamma - log(2.0))) < 1e-12)
        #expect(BlockEntropyRate.grassbergerG(3) == BlockEntropyRate.grassbergerG(2))
        #expect(abs(BlockEntropyRate.grassbergerG(4) - (BlockEntropyRate.grassbergerG(2) + 2.0 / 3)) < 1e-12)
        // The table ends at 2^16: one recursion step past it against the series.
        let viaRecursion = BlockEntropyRate.grassbergerG(65534) + 2 / 65535.0
        #expect(abs(BlockEntropyRate.grassbergerG(65536) - viaRecursion) < 1e-12)
        #expect(abs(BlockEntropyRate.grassbergerG(65537) - viaRecursion) < 1e-12)
        #expect(abs(BlockEntropyRate.grassbergerG(1 << 20) - log(Double(1 << 20))) < 1e-9)
    }

    /// Counts {2, 2}: Ĥ = ln 4 − G(2) nats; counts {1, 1}: ln 2 − G(1) = γ + 2 ln 2 nats
    /// (more than the plug-in 1 bit: two singletons hint at unseen symbols).
    @Test func grassbergerEntropyOfHandCounts() {
        let gamma = 0.5772156649015329
        #expect(abs(BlockEntropyRate.grassbergerEntropy(counts: [2, 2]) - (log(4.0) - (2 - gamma - log(2.0))) / log(2.0)) < 1e-12)
        #expect(abs(BlockEntropyRate.grassbergerEntropy(counts: [1, 1]) - (gamma + 2 * log(2.0)) / log(2.0)) < 1e-12)
        #expect(BlockEntropyRate.grassbergerEntropy(counts: []) == 0)
    }

    /// "abab": 1-blocks a:2 b:2, 2-blocks ab:2 ba:1, 3-blocks aba:1 bab:1.
    /// Plug-in H1 = 1 bit, H2 = log2 3 − 2/3; after 'a' always 'b', after 'b' always 'a':
    /// plug-in conditional h1 = 0; h0 = H1 = 1.
    @Test func handComputedBlocks() throws {
        let e = try #require(BlockEntropyRate.estimate(text("abab"), maximumContextLength: 2, samplesPerBlock: 1))
        #expect(e.levels.count == 4)
        let l1 = e.levels[1], l2 = e.levels[2], l3 = e.levels[3]
        #expect(l1.blocks == 4 && l1.distinct == 2 && abs(l1.plugInBits - 1) < 1e-12)
        #expect(l2.blocks == 3 && l2.distinct == 2 && abs(l2.plugInBits - (log2(3.0) - 2.0 / 3)) < 1e-12)
        #expect(l3.blocks == 2 && l3.distinct == 2 && abs(l3.plugInBits - 1) < 1e-12)
        #expect(abs(l1.grassbergerBits - BlockEntropyRate.grassbergerEntropy(counts: [2, 2])) < 1e-12)
        #expect(abs(l2.grassbergerBits - BlockEntropyRate.grassbergerEntropy(counts: [2, 1])) < 1e-12)
        #expect(abs((e.levels[0].plugInConditionalBits ?? -1) - 1) < 1e-12)
        #expect(abs(l1.plugInConditionalBits ?? -1) < 1e-12)
        #expect(abs((l1.conditionalBits ?? -1) - (l2.grassbergerBits - l1.grassbergerBits)) < 1e-12)
        #expect(e.contextLength == 2)
        #expect(e.stopReason.hasPrefix("reached"))
    }

    @Test func stopsWhereBlocksBecomeUndersampled() throws {
        // i.i.d. over 4 symbols, 2^14 symbols: all 4^m m-blocks occur; h_m needs 4^(m+1) · S ≤ 2^14 − m.
        let n = 1 << 14
        let x = SyntheticSource.iid(QuantizedDistribution([1, 1, 1, 1])!).generate(count: n, seed: 5)
        let e = try #require(BlockEntropyRate.estimate(x))
        #expect(e.stopReason.hasPrefix("undersampled: "), "\(e.stopReason)")
        let expected = (0...20).last { m in (1 << (2 * (m + 1))) * BlockEntropyRate.samplesPerBlock <= n - m } ?? -1
        #expect(e.contextLength == expected, "\(e.contextLength)")
        #expect(abs(e.bitsPerSymbol - 2) < 0.02)
        #expect(e.standardError > 0 && e.standardError < 0.01)
    }
}

@Suite struct EntropyRateEstimatorsTests {
    /// One suffix array for both estimators gives what each computes alone.
    @Test func bothAtOnceEqualEachAlone() {
        let x = SyntheticSource.defaultHMM.generate(count: 50_000, seed: 9)
        let both = x.withUnsafeBytes { EntropyRateEstimators.estimate($0) }
        #expect(both.matchLength != nil && both.matchLength == MatchLengthEntropyRate.estimate(x))
        #expect(both.blockEntropy != nil && both.blockEntropy == BlockEntropyRate.estimate(x))
        let none = [UInt8]([7]).withUnsafeBytes { EntropyRateEstimators.estimate($0) }
        #expect(none.matchLength == nil && none.blockEntropy == nil)
    }
}

@Suite struct SyntheticSourceTests {
    /// Pinned: the first bytes and a hash of 64 KiB for fixed seeds. A change here changes
    /// every generated file: only for a documented reason.
    @Test func outputIsPinned() {
        func fnv(_ b: [UInt8]) -> UInt64 { b.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 } }
        var rng = Xoshiro256StarStar(seed: 0)
        // xoshiro256** seeded from SplitMix64(0): the reference implementation's first output.
        #expect(rng.next() == 0x99EC_5F36_CB75_F2B4)
        let iid = SyntheticSource.iid(QuantizedDistribution(SyntheticSource.defaultProbabilities)!).generate(count: 1 << 16, seed: 1)
        let markov = SyntheticSource.seededMarkov(order: 2, alphabet: 4, seed: 1)!.generate(count: 1 << 16, seed: 1)
        let hmm = SyntheticSource.defaultHMM.generate(count: 1 << 16, seed: 1)
        #expect(String(decoding: iid.prefix(16), as: UTF8.self) == "bbbabaaacbdddbbd")
        #expect(String(decoding: markov.prefix(16), as: UTF8.self) == "cccccbbdcddddccb")
        #expect(String(decoding: hmm.prefix(16), as: UTF8.self) == "ccbaadacaaaaacdc")
        #expect(fnv(iid) == 0x5954_4c9f_5a4f_76b2)
        #expect(fnv(markov) == 0xbe28_a68a_981b_8a94)
        #expect(fnv(hmm) == 0x2c0f_68d2_08e6_c072)
        // Generated in pieces, the same bytes.
        var g = SyntheticGenerator(SyntheticSource.defaultHMM, seed: 1)
        var pieces = [UInt8](repeating: 0, count: 1 << 16)
        pieces.withUnsafeMutableBufferPointer { b in
            g.fill(UnsafeMutableBufferPointer(rebasing: b[0..<1000]))
            g.fill(UnsafeMutableBufferPointer(rebasing: b[1000...]))
        }
        #expect(pieces == hmm)
    }

    @Test func ratesByHand() {
        #expect(SyntheticSource.iid(QuantizedDistribution(SyntheticSource.defaultProbabilities)!).entropyRate.bitsPerSymbol == 1.75)
        // A two-state chain that flips with probability 0.1 from 'a' and 0.3 from 'b':
        // π = (0.75, 0.25), H = 0.75 h(0.1) + 0.25 h(0.3).
        func h(_ p: Double) -> Double { -p * log2(p) - (1 - p) * log2(1 - p) }
        let chain = SyntheticSource.markov(order: 1, rows: [[0.9, 0.1], [0.3, 0.7]].map { QuantizedDistribution($0)! })
        let pi = chain.stationary
        #expect(abs(pi[0] - 0.75) < 1e-9)
        #expect(abs(chain.entropyRate.bitsPerSymbol - (0.75 * h(0.1) + 0.25 * h(0.3))) < 1e-8)
        // An HMM whose states emit the same law is i.i.d.: the bounds meet at that entropy.
        let same = SyntheticSource.hmm(transitions: [[0.9, 0.1], [0.2, 0.8]].map { QuantizedDistribution($0)! },
                                       emissions: [[0.5, 0.5], [0.5, 0.5]].map { QuantizedDistribution($0)! })
        let r = same.entropyRate
        #expect(abs(r.lower - 1) < 1e-9 && abs(r.upper - 1) < 1e-9)
        // The default HMM: bounds ordered, tight, and below the entropy of one emission mixture.
        let d = SyntheticSource.defaultHMM.entropyRate
        #expect(d.lower <= d.upper && d.upper - d.lower < 1e-4, "\(d)")
        #expect(d.upper < 2)
    }

    @Test func generatedFrequenciesFollowTheLaw() {
        let x = SyntheticSource.iid(QuantizedDistribution(SyntheticSource.defaultProbabilities)!).generate(count: 1 << 16, seed: 2)
        let counts = (0..<4).map { s in x.filter { $0 == 97 + UInt8(s) }.count }
        for (c, p) in zip(counts, SyntheticSource.defaultProbabilities) {
            #expect(abs(Double(c) / Double(1 << 16) - p) < 0.01)
        }
    }
}
