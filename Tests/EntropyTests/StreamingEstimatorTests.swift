import Testing
import Entropy
import TestSupport

/// The pieces `squeeze estimate` uses for inputs that do not fit its memory limit.
@Suite struct StreamingEstimatorTests {
    static let sample: [UInt8] = {
        // Text-like and long enough for many contexts at orders 3–6.
        var rng = SplitMix64(seed: 9)
        let words = (0..<400).map { _ in (0..<(2 + Int(rng.next() % 7))).map { _ in UInt8(97 + rng.next() % 20) } }
        var out: [UInt8] = []
        while out.count < 300_000 {
            let r = Double(rng.next() >> 11) / Double(1 << 53)
            out += words[Int(Double(words.count) * r * r)] + [32]
        }
        return out
    }()

    static func pieces(_ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) -> Void) {
        bytes.withUnsafeBytes { raw in
            var i = 0
            var size = 1
            while i < raw.count {
                let end = min(raw.count, i + size)
                body(UnsafeRawBufferPointer(rebasing: raw[i..<end]))
                i = end
                size = size * 3 + 1
            }
        }
    }

    @Test func ppmAndLZ78InPiecesEqualOneCall() {
        let bytes = Self.sample
        var ppm = PPMEstimator.Stream(maxOrder: 5)
        var lz = LZ78Parser(maxPhrases: 5000)
        Self.pieces(bytes) { ppm.consume($0); lz.consume($0) }
        let whole = bytes.withUnsafeBytes { PPMEstimator.estimate($0, maxOrder: 5) }
        #expect(ppm.finish() == whole)
        let wholeLZ = bytes.withUnsafeBytes { LZEntropyEstimator.lz78($0, maxPhrases: 5000) }
        #expect(lz.finish() == wholeLZ)
        #expect(wholeLZ.dictionaryResets > 0)
    }

    /// A segment analysed with its real preceding bytes gives the same counts as
    /// the same positions inside the whole input: the two halves' n·Hk add up to at
    /// most the whole's (concavity), and order 0 adds up exactly.
    @Test func segmentsWithPrecedingBytesBoundHkFromBelow() {
        let bytes = Self.sample
        let half = bytes.count / 2
        let whole = bytes.withUnsafeBytes { ContextStatistics.compute($0, maxOrder: 6) }
        let (a, b) = bytes.withUnsafeBytes { raw in
            (ContextStatistics.compute(UnsafeRawBufferPointer(rebasing: raw[0..<half]), maxOrder: 6),
             ContextStatistics.compute(UnsafeRawBufferPointer(rebasing: raw[half...]), maxOrder: 6,
                                       preceding: UnsafeRawBufferPointer(rebasing: raw[0..<half])))
        }
        for k in 0...6 {
            let sum = a.orders[k].empiricalBits + b.orders[k].empiricalBits
            #expect(sum <= whole.orders[k].empiricalBits + 1e-6, "order \(k)")
        }
        // Order 6 of the second half with its real context: the 6-grams straddling the cut
        // are the whole's, so distinct pairs of the halves cover the whole's.
        #expect(a.orders[6].distinctPairs + b.orders[6].distinctPairs >= whole.orders[6].distinctPairs)
    }

    /// With room for every context the streamed figures are the exact ones.
    @Test func streamedFiguresAreExactWhenTheTablesFit() throws {
        let bytes = Self.sample
        var options = EntropyReport.Options()
        options.maxOrder = 6
        let plan = EstimateMemoryPlan(limit: 1 << 30, options: options)
        var stream = StreamingEntropyAnalysis(plan: plan)
        Self.pieces(bytes) { stream.consume($0) }
        let streamed = stream.finish(name: "s")
        let exact = bytes.withUnsafeBytes { EntropyReport.analyze($0, name: "s", options: options) }
        let approximation = try #require(streamed.approximation)
        #expect(approximation.orders.allSatisfy { $0.exact })
        for (s, e) in zip(streamed.orders, exact.orders) {
            #expect(s.distinctContexts == e.distinctContexts && s.distinctPairs == e.distinctPairs, "order \(e.order)")
            #expect(abs(s.empiricalBits - e.empiricalBits) <= 1e-6 * max(1, e.empiricalBits), "order \(e.order)")
            #expect(abs(s.ktBits - e.ktBits) <= 1e-6 * e.ktBits)
            #expect(abs(s.laplaceBits - e.laplaceBits) <= 1e-6 * e.laplaceBits)
            #expect(abs(s.ktInputAlphabetBits - e.ktInputAlphabetBits) <= 1e-6 * e.ktInputAlphabetBits)
        }
        #expect(streamed.h0 == exact.h0)
        #expect(streamed.huffman == exact.huffman)
    }

    /// With the smallest limit the high orders are merged, and each interval holds the exact n·Hk.
    @Test func mergedOrdersBracketTheExactFigure() {
        var bytes: [UInt8] = []
        while bytes.count < 2_500_000 { bytes += Self.sample }
        var rng = SplitMix64(seed: 3)
        for i in stride(from: 0, to: bytes.count, by: 7) { bytes[i] = UInt8(97 + rng.next() % 26) }
        var options = EntropyReport.Options()
        options.maxOrder = 6
        let plan = EstimateMemoryPlan(limit: EstimateMemoryPlan.minimumLimit, options: options)
        var stream = StreamingEntropyAnalysis(plan: plan)
        Self.pieces(bytes) { stream.consume($0) }
        let streamed = stream.finish(name: "s")
        let exact = bytes.withUnsafeBytes { ContextStatistics.compute($0, maxOrder: 6) }
        let bounds = streamed.approximation?.orders ?? []
        #expect(bounds.count == 7)
        #expect(bounds.contains { !$0.exact })
        for (b, e) in zip(bounds, exact.orders) {
            #expect(b.empiricalLowerBits <= e.empiricalBits * (1 + 1e-9) + 1e-6, "order \(e.order)")
            #expect(e.empiricalBits <= b.empiricalUpperBits * (1 + 1e-9) + 1e-6, "order \(e.order)")
            if b.exact { #expect(abs(b.empiricalUpperBits - e.empiricalBits) <= 1e-6 * max(1, e.empiricalBits)) }
        }
        #expect(stream.contextTableBytes <= plan.bounded.tables)
    }

    /// Every path of the tables (contexts kept whole, admission closed, light
    /// contexts evicted, orders merged and shrunk, orders above 7 hashed) keeps
    /// the exact n·Hk inside its interval and the tables inside their budget.
    @Test(arguments: [48, 64, 96])
    func boundsHoldAtEveryBudget(megabytes: Int) {
        var bytes: [UInt8] = []
        var rng = SplitMix64(seed: UInt64(megabytes))
        while bytes.count < 1_500_000 {
            bytes += Self.sample.prefix(50_000 + Int(rng.next() % 200_000))
            for _ in 0..<2000 { bytes.append(UInt8(rng.next() % 256)) }
        }
        var options = EntropyReport.Options()
        options.maxOrder = 9
        let plan = EstimateMemoryPlan(limit: megabytes << 20, options: options)
        var stream = StreamingEntropyAnalysis(plan: plan)
        Self.pieces(bytes) { stream.consume($0) }
        #expect(stream.contextTableBytes <= plan.bounded.tables)
        let bounds = stream.finish(name: "s").approximation?.orders ?? []
        let exact = bytes.withUnsafeBytes { ContextStatistics.compute($0, maxOrder: 9) }
        #expect(bounds.count == 10)
        for (b, e) in zip(bounds, exact.orders) {
            #expect(b.empiricalLowerBits <= e.empiricalBits * (1 + 1e-9) + 1e-6, "order \(e.order) at \(megabytes)M")
            #expect(e.empiricalBits <= b.empiricalUpperBits * (1 + 1e-9) + 1e-6, "order \(e.order) at \(megabytes)M")
            if b.exact { #expect(b.empiricalLowerBits == b.empiricalUpperBits && b.mergedPositions == 0) }
        }
        #expect(!bounds[8].exact && !bounds[9].exact)
    }
}
