import Testing
import Entropy
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

private func stats(_ bytes: [UInt8], _ k: Int) -> ContextStatistics {
    bytes.withUnsafeBytes { ContextStatistics.compute($0, maxOrder: k) }
}

private func text(_ s: String) -> [UInt8] { Array(s.utf8) }

/// Plug-in Hk straight from the definition, with dictionaries (reference).
private func referenceHk(_ bytes: [UInt8], _ k: Int) -> Double {
    guard !bytes.isEmpty else { return 0 }
    let padded = [UInt8](repeating: 0, count: k) + bytes
    var ctx: [[UInt8]: Int] = [:]
    var pair: [[UInt8]: Int] = [:]
    for i in 0..<bytes.count {
        let c = Array(padded[i..<(i + k)])
        ctx[c, default: 0] += 1
        pair[c + [bytes[i]], default: 0] += 1
    }
    var bits = 0.0
    for (p, c) in pair {
        let s = ctx[Array(p.dropLast())]!
        bits -= Double(c) * log2(Double(c) / Double(s))
    }
    return bits / Double(bytes.count)
}

@Suite struct EmpiricalEntropyTests {
    @Test func abracadabraH0() {
        // counts a5 b2 r2 c1 d1 of 11: hand-computed 2.04039...
        let h = EmpiricalEntropy.h0(text("abracadabra"))
        #expect(abs(h - 2.0404) < 0.00005)
        let s = stats(text("abracadabra"), 0).orders[0]
        #expect(abs(s.conditionalEntropy - 2.0404) < 0.00005)
    }

    @Test func abracadabraH1ByHand() {
        // Contexts (previous byte, 0x00 before the start): 0→a; a→b,c,d,b,(end none) = a followed by b,c,d,b;
        // b→r,r; r→a,a; c→a; d→a. Only context 'a' has uncertainty: {b:2,c:1,d:1} → 4·1.5 = 6 bits.
        let s = stats(text("abracadabra"), 1).orders[1]
        #expect(abs(s.empiricalBits - 6) < 1e-9)
        #expect(s.distinctContexts == 6)
    }

    @Test func constantAndTwoSymbols() {
        #expect(EmpiricalEntropy.h0([UInt8](repeating: 7, count: 1000)) == 0)
        let two = (0..<1000).map { UInt8($0 % 2) }
        #expect(abs(EmpiricalEntropy.h0(two) - 1) < 1e-12)
        // Alternating 1,0,1,0…: with the 0x00 start context, order 1 knows everything.
        let alternating = (0..<1000).map { UInt8(($0 + 1) % 2) }
        #expect(stats(alternating, 1).orders[1].empiricalBits < 1e-9)
    }

    @Test func randomBytesNearEight() {
        let r = Generators.random(1 << 20, seed: 5)
        let s = stats(r, 0).orders[0]
        #expect(abs(s.conditionalEntropy - 8) < 0.001)
        #expect(abs(s.ktBits / Double(r.count) - 8) < 0.01)
        #expect(abs(s.laplaceBits / Double(r.count) - 8) < 0.01)
    }

    @Test func matchesDefinitionAndIsNonIncreasing() {
        var inputs = Generators.adversarial()
        inputs.append(("abracadabra", text("abracadabra")))
        for (name, bytes) in inputs {
            let sample = Array(bytes.prefix(20_000))
            let s = stats(sample, 9)
            for k in 0...9 {
                let h = s.orders[k].conditionalEntropy
                #expect(abs(h - referenceHk(sample, k)) < 1e-9, "\(name) H\(k)")
                if k > 0 { #expect(h <= s.orders[k - 1].conditionalEntropy + 1e-12, "\(name) H\(k) > H\(k - 1)") }
            }
        }
    }

    @Test func keyAndIndexMethodsAgree() throws {
        // maxOrder ≤ 7 takes the 8-gram key method, larger orders the index method.
        for bytes in [try TestCorpus.bytes("calgary", "progc"), Generators.repetitive(70_000),
                      [UInt8](repeating: 3, count: 70_000), Generators.random(5000)] {
            let keys = stats(bytes, 7).orders
            let index = stats(bytes, 8).orders
            for k in 0...7 { #expect(keys[k] == index[k], "order \(k)") }
        }
    }

    @Test(.tags(.corpus), .slowTier) func corpusOrdersAreConsistent() throws {
        let book = try TestCorpus.bytes("calgary", "paper1")
        let s = stats(book, 16)
        #expect(s.orders.count == 17)
        for k in 1...16 {
            #expect(s.orders[k].conditionalEntropy <= s.orders[k - 1].conditionalEntropy + 1e-12)
            #expect(s.orders[k].distinctContexts >= s.orders[k - 1].distinctContexts)
        }
        #expect(abs(s.orders[3].conditionalEntropy - referenceHk(book, 3)) < 1e-9)
        #expect(abs(s.orders[12].conditionalEntropy - referenceHk(book, 12)) < 1e-9)
        // Long contexts in a 53 kB file are nearly unique: flagged as sparse.
        #expect(s.orders[16].isSparse)
        #expect(!s.orders[0].isSparse)
    }
}

@Suite struct AdaptiveCodeLengthTests {
    @Test func closedFormMatchesSequentialCoder() {
        for (name, bytes) in Generators.adversarial() {
            let sample = Array(bytes.prefix(3000))
            for k in [0, 1, 2, 5] {
                for e in AdaptiveEstimator.allCases {
                    let closed = AdaptiveCodeLength.bits(sample, order: k, estimator: e)
                    let seq = AdaptiveCodeLength.sequentialBits(sample, order: k, estimator: e)
                    #expect(abs(closed - seq) <= 1e-6 * Swift.max(1, seq), "\(name) k=\(k) \(e)")
                }
            }
        }
    }

    @Test func anyPseudoCountBySortingMatchesTheCoder() throws {
        let sample = Array(try TestCorpus.bytes("calgary", "progc").prefix(5000))
        for k in [0, 1, 2, 4, 7] {
            // a = 1/32: initial count 1, increment 32, before any rescaling.
            let sorted = sample.withUnsafeBytes { AdaptiveCodeLength.bits($0, order: k, pseudoCount: 1.0 / 32) }
            let seq = AdaptiveCodeLength.sequentialBits(sample, order: k, pseudoCount: 1.0 / 32)
            #expect(abs(sorted - seq) <= 1e-6 * seq, "k=\(k)")
            // a = 1/2 by sorting equals KT from the radix passes.
            let kt = sample.withUnsafeBytes { AdaptiveCodeLength.bits($0, order: k, pseudoCount: 0.5) }
            #expect(abs(kt - AdaptiveCodeLength.bits(sample, order: k, estimator: .kt)) <= 1e-6 * kt, "k=\(k)")
        }
    }

    @Test func atLeastEmpiricalAndFinite() {
        var inputs = Generators.adversarial()
        inputs.append(("abracadabra", text("abracadabra")))
        for (name, bytes) in inputs {
            let s = stats(bytes, 6)
            for o in s.orders {
                for v in [o.ktBits, o.laplaceBits, o.ktInputAlphabetBits, o.empiricalBits] {
                    #expect(v.isFinite && v >= 0, "\(name) k=\(o.order)")
                }
                #expect(o.ktBits >= o.empiricalBits - 1e-6, "\(name) KT k=\(o.order)")
                #expect(o.laplaceBits >= o.empiricalBits - 1e-6, "\(name) Laplace k=\(o.order)")
                #expect(o.ktInputAlphabetBits >= o.empiricalBits - 1e-6, "\(name) KT-m k=\(o.order)")
            }
        }
    }

    @Test func oneByteCostsItsProbability() {
        // One byte, empty context: KT gives (0+1/2)/(0+128) → 8 bits; Laplace 1/256 → 8 bits.
        let s = stats([0x41], 3)
        for o in s.orders {
            #expect(abs(o.ktBits - 8) < 1e-9)
            #expect(abs(o.laplaceBits - 8) < 1e-9)
            #expect(o.empiricalBits == 0)
        }
        let e = stats([], 3)
        #expect(e.orders.allSatisfy { $0.ktBits == 0 && $0.empiricalBits == 0 })
    }
}

@Suite struct PPMEstimatorTests {
    @Test func probabilitiesSumToOne() {
        let prefixes: [[UInt8]] = [[], [0x61], text("abracadabra"), Generators.random(300, seed: 9),
                                   Array(Generators.repetitive(2000).prefix(2000)), [UInt8](repeating: 0, count: 50),
                                   (0..<256).map { UInt8($0) }]
        for prefix in prefixes {
            for order in [0, 1, 3, 5, 7] {
                let sum = PPMEstimator.kraftSum(after: prefix, maxOrder: order)
                #expect(abs(sum - 1) < 1e-9, "order \(order), prefix of \(prefix.count) bytes: Σ = \(sum)")
            }
        }
    }

    @Test func edgeCasesAndRandom() {
        #expect(PPMEstimator.estimate([]).bits == 0)
        #expect(abs(PPMEstimator.estimate([0x41]).bits - 8) < 1e-9)
        let r = Generators.random(1 << 16, seed: 3)
        let bpb = PPMEstimator.estimate(r).bits / Double(r.count)
        // Escapes from sparse order-1…5 contexts cost about 0.7 bit/byte on incompressible data.
        #expect(bpb > 7.99 && bpb < 9, "bits/byte \(bpb)")
        let rep = Generators.repetitive(100_000)
        #expect(PPMEstimator.estimate(rep).bits < 0.5 * EmpiricalEntropy.h0(rep) * Double(rep.count))
    }

    @Test func memoryBudgetKeepsAValidModel() {
        let book = Generators.repetitive(50_000)
        let small = book.withUnsafeBytes { PPMEstimator.estimate($0, maxOrder: 5, memoryBudget: 200_000) }
        let full = PPMEstimator.estimate(book, maxOrder: 5)
        #expect(small.memoryLimited && !full.memoryLimited)
        #expect(small.bits.isFinite && small.bits >= full.bits * 0.9)
    }
}

@Suite struct LZEntropyEstimatorTests {
    @Test func abracadabraByHand() {
        // a|b|r|ac|ad|ab|ra: 7 phrases; index bits 0+1+2+2+3+3+3 = 14, plus 7·8.
        let e = LZEntropyEstimator.lz78(text("abracadabra"))
        #expect(e.phrases == 7)
        #expect(e.codeBits == 70)
    }

    @Test func edgeCasesAndResets() {
        #expect(LZEntropyEstimator.lz78([]).phrases == 0)
        #expect(LZEntropyEstimator.lz78([]).codeBits == 0)
        #expect(LZEntropyEstimator.lz78([7]).codeBits == 8)
        // "aaaa…": phrases of length 1, 2, 3, … so c(c+1)/2 ≥ n.
        let same = [UInt8](repeating: 1, count: 5050)
        #expect(LZEntropyEstimator.lz78(same).phrases == 100)
        let r = Generators.random(100_000, seed: 4)
        let limited = r.withUnsafeBytes { LZEntropyEstimator.lz78($0, maxPhrases: 1000) }
        #expect(limited.dictionaryResets > 0 && limited.codeBits.isFinite)
        #expect(LZEntropyEstimator.lz78(r).codeBits > 8 * Double(r.count) * 0.99)
    }
}

@Suite struct StaticPrefixCodeCostTests {
    /// Huffman by repeatedly merging the two smallest weights (quadratic, reference):
    /// the total cost Σ w·depth equals the sum of all merged weights.
    func referenceCost(_ counts: [Int]) -> Int {
        var w = counts.filter { $0 > 0 }
        guard w.count > 1 else { return 0 }
        var cost = 0
        while w.count > 1 {
            w.sort()
            let merged = w[0] + w[1]
            cost += merged
            w.removeFirst(2)
            w.append(merged)
        }
        return cost
    }

    @Test func handExample() {
        let cost = StaticPrefixCodeCost(histogram: [1, 1, 2, 4] + [Int](repeating: 0, count: 252))
        #expect(Array(cost.lengths.prefix(4)) == [3, 3, 2, 1])
        #expect(cost.payloadBits == 14)
    }

    @Test func optimalAndWithinOneBitOfH0() throws {
        var inputs = Generators.adversarial()
        inputs.append(("paper1", try TestCorpus.bytes("calgary", "paper1")))
        inputs.append(("geo", try TestCorpus.bytes("calgary", "geo")))
        for (name, bytes) in inputs {
            let hist = EmpiricalEntropy.histogram(bytes)
            let cost = StaticPrefixCodeCost(histogram: hist)
            #expect(cost.payloadBits == referenceCost(hist), "\(name)")
            let used = hist.filter { $0 > 0 }.count
            if used > 1 {
                let kraft = cost.lengths.filter { $0 > 0 }.reduce(0.0) { $0 + exp2(-Double($1)) }
                #expect(abs(kraft - 1) < 1e-12, "\(name)")
            }
            guard !bytes.isEmpty else { continue }
            let l = Double(cost.payloadBits) / Double(bytes.count)
            let h0 = EmpiricalEntropy.entropy(counts: hist)
            #expect(h0 <= l + 1e-12 && (l < h0 + 1 || used <= 1), "\(name): L = \(l), H0 = \(h0)")
        }
    }
}

@Suite struct EntropyReportTests {
    @Test func bestIsTheSmallestAndAllFinite() {
        var inputs = Generators.adversarial()
        inputs.append(("abracadabra", text("abracadabra")))
        for (name, bytes) in inputs {
            let r = EntropyReport.analyze(bytes, name: name)
            #expect(r.estimates.allSatisfy { $0.bits.isFinite && $0.bits >= 0 }, "\(name)")
            #expect(r.estimates.allSatisfy { r.best.bits <= $0.bits }, "\(name)")
            #expect(r.orders.count == 7)
            #expect(r.byteCount == bytes.count && r.h0.isFinite)
        }
        let empty = EntropyReport.analyze([], name: "empty")
        #expect(empty.best.bits == 0 && empty.best.ratio == 0)
    }
}

@Suite struct CTWEstimatorTests {
    @Test func probabilitiesSumToOne() {
        let prefixes: [[UInt8]] = [[], [0x61], text("abracadabra"), Generators.random(200, seed: 11),
                                   Array(Generators.repetitive(1500).prefix(1500))]
        for prefix in prefixes {
            for depth in [0, 1, 3] {
                let sum = CTWEstimator.kraftSum(after: prefix, depth: depth)
                #expect(abs(sum - 1) < 1e-9, "depth \(depth), prefix of \(prefix.count) bytes: Σ = \(sum)")
            }
        }
    }

    @Test func edgeCasesRandomAndRepetitive() {
        #expect(CTWEstimator.estimate([]).bits == 0)
        let one = CTWEstimator.estimate([0x41]).bits
        #expect(abs(one - 8) < 1e-9) // every bit: KT (0 + 1/2)/1 at every depth
        let r = Generators.random(1 << 15, seed: 8)
        let bpb = CTWEstimator.estimate(r, depth: 2).bits / Double(r.count)
        #expect(bpb > 7.99 && bpb < 8.1, "bits/byte \(bpb)")
        let rep = Generators.repetitive(50_000)
        #expect(CTWEstimator.estimate(rep, depth: 3).bits < 0.3 * EmpiricalEntropy.h0(rep) * Double(rep.count))
    }
}
