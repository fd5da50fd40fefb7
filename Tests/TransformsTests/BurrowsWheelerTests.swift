import Testing
import Transforms
import BitIO
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The reference: sort the n+1 suffixes (with the empty one) by direct comparison.
func naiveBWT(_ s: [UInt8]) -> (bwt: [UInt8], primaryIndex: Int) {
    let sa = [Int32(s.count)] + naiveSuffixArray(s)
    var out: [UInt8] = []
    var primary = 0
    for (r, p) in sa.enumerated() {
        if p == 0 { primary = r } else { out.append(s[Int(p) - 1]) }
    }
    return (out, primary)
}

@Suite struct BurrowsWheelerTests {
    @Test func handComputedExample() throws {
        // banana: rows "" a ana anana banana na nana → last column a n n b $ a a
        let (bwt, primary) = BurrowsWheeler.forward(Array("banana".utf8))
        #expect(String(decoding: bwt, as: UTF8.self) == "annbaa")
        #expect(primary == 4)
        #expect(try BurrowsWheeler.inverse(bwt, primaryIndex: primary) == Array("banana".utf8))
        #expect(BurrowsWheeler.forward([]) == ([], 0))
        #expect(try BurrowsWheeler.inverse([], primaryIndex: 0) == [])
    }

    @Test func matchesNaiveTransform() throws {
        var g = SplitMix64(seed: 7)
        for size in [1, 2, 3, 10, 100, 777] {
            for alphabet in [1, 2, 4, 256] {
                let s = (0..<size).map { _ in UInt8(truncatingIfNeeded: Int(g.next() % UInt64(alphabet))) }
                let got = BurrowsWheeler.forward(s)
                let want = naiveBWT(s)
                #expect(got.bwt == want.bwt && got.primaryIndex == want.primaryIndex, "size \(size) alphabet \(alphabet)")
                #expect(try BurrowsWheeler.inverse(got.bwt, primaryIndex: got.primaryIndex) == s)
            }
        }
    }

    @Test(arguments: Generators.adversarial())
    func roundTrip(_ c: (String, [UInt8])) throws {
        let (bwt, primary) = BurrowsWheeler.forward(c.1)
        #expect(bwt.count == c.1.count)
        if !c.1.isEmpty {
            #expect((1...c.1.count).contains(primary))
            #expect(bwt[0] == c.1[c.1.count - 1])
        }
        #expect(try BurrowsWheeler.inverse(bwt, primaryIndex: primary) == c.1, "\(c.0)")
    }

    @Test(.tags(.corpus), .slowTier, arguments: TestCorpus.manifest)
    func corpusRoundTrip(_ entry: TestCorpus.Entry) throws {
        let s = try readFile(entry.path)
        let (bwt, primary) = BurrowsWheeler.forward(s)
        #expect(try BurrowsWheeler.inverse(bwt, primaryIndex: primary) == s, "\(entry)")
    }

    @Test func inverseAroundTheChainWalkThresholds() throws {
        // From 64 KiB the inverse walks many chains cut at rows that are multiples of
        // 4096. Sizes around that threshold, text long enough to fill several staging
        // blocks, and a primary index on a cut row: a first byte larger than all the
        // others puts the whole text in the last row, n = 17 · 4096.
        var cases: [[UInt8]] = [65_535, 65_536, 65_537].map { Generators.skewed($0, seed: UInt64($0)) }
        cases.append(Generators.repetitive(300_000, seed: 9))
        var top = Generators.random(17 * 4096, seed: 17).map { $0 == 255 ? 254 : $0 }
        top[0] = 255
        cases.append(top)
        for s in cases {
            let (bwt, primary) = BurrowsWheeler.forward(s)
            if s.count == 17 * 4096 { #expect(primary == s.count) }
            #expect(try BurrowsWheeler.inverse(bwt, primaryIndex: primary) == s, "\(s.count) bytes")
        }
    }

    @Test func badPrimaryIndexThrows() {
        let (bwt, _) = BurrowsWheeler.forward(Array("mississippi".utf8))
        for bad in [-1, 0, bwt.count + 1, Int.max, Int.min] {
            #expect(throws: CodecError.self) { try BurrowsWheeler.inverse(bwt, primaryIndex: bad) }
        }
        #expect(throws: CodecError.self) { try BurrowsWheeler.inverse([], primaryIndex: 1) }
    }

    @Test func garbageDecodesWithoutTrapping() throws {
        // Any bytes with an index in 1…n are a permutation walk: it must give n bytes.
        var g = SplitMix64(seed: 3)
        for size in [1, 2, 5, 64, 1000, 70_000, 200_000] {
            let garbage = Generators.random(size, seed: g.next())
            for _ in 0..<4 {
                let primary = 1 + Int(g.next() % UInt64(size))
                let out = try BurrowsWheeler.inverse(garbage, primaryIndex: primary)
                #expect(out.count == size)
            }
        }
    }

    @Test func rawBufferInverseRejectsShortOutput() {
        let (bwt, primary) = BurrowsWheeler.forward(Array("abracadabra".utf8))
        var out = [UInt8](repeating: 0, count: bwt.count - 1)
        let threw = bwt.withUnsafeBytes { i in
            out.withUnsafeMutableBytes { o in
                do throws(CodecError) { try BurrowsWheeler.inverse(i, primaryIndex: primary, into: o); return false }
                catch { return true }
            }
        }
        #expect(threw)
    }
}

@Suite struct BurrowsWheelerLargeTests {
    /// One big block (8 MiB by default; SQUEEZE_BWT_LARGE_MIB=64 checks the documented
    /// 64 MiB): repetitive text with long repeats, so SA-IS recurses deeply.
    @Test func largeBlockRoundTrip() throws {
        var mib = 8
        if let s = getenv("SQUEEZE_BWT_LARGE_MIB"), let v = Int(String(cString: s)), v > 0 { mib = v }
        let s = Generators.repetitive(mib << 20, seed: 77)
        let (bwt, primary) = BurrowsWheeler.forward(s)
        #expect(bwt.count == s.count && primary >= 1)
        #expect(try BurrowsWheeler.inverse(bwt, primaryIndex: primary) == s)
    }
}
