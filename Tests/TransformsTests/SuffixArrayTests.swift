import Testing
import Transforms
import TestSupport

/// The reference: sort all suffix starts by comparing the suffixes directly
/// (a proper prefix first). Quadratic in the worst case, fine for small inputs.
func naiveSuffixArray(_ s: [UInt8]) -> [Int32] {
    s.withUnsafeBufferPointer { p in
        (0..<s.count).sorted { a, b in
            var i = a, j = b
            while i < p.count && j < p.count {
                if p[i] != p[j] { return p[i] < p[j] }
                i += 1; j += 1
            }
            return i == p.count  // a ran out first: a is a proper prefix of b
        }.map { Int32($0) }
    }
}

/// Checks a suffix array in linear-ish time: a permutation whose neighbours are in order
/// (compared by their first byte, then by the rank of the next suffix).
func isSortedSuffixArray(_ sa: [Int32], of s: [UInt8]) -> Bool {
    let n = s.count
    guard sa.count == n else { return false }
    var rank = [Int](repeating: -1, count: n + 1)
    for (r, p) in sa.enumerated() {
        guard p >= 0, Int(p) < n, rank[Int(p)] < 0 else { return false }
        rank[Int(p)] = r
    }
    rank[n] = -1  // the empty suffix sorts first
    for r in 1..<max(n, 1) {
        let a = Int(sa[r - 1]), b = Int(sa[r])
        if s[a] != s[b] { if s[a] > s[b] { return false }; continue }
        if rank[a + 1] >= rank[b + 1] { return false }
    }
    return true
}

func fibonacciString(_ count: Int) -> [UInt8] {
    var a: [UInt8] = [97], b: [UInt8] = [97, 98]
    while b.count < count { (a, b) = (b, b + a) }
    return Array(b.prefix(count))
}

@Suite struct SuffixArrayTests {
    @Test func handComputedExample() {
        // banana: a(5) ana(3) anana(1) banana(0) na(4) nana(2)
        #expect(SuffixArray.build(Array("banana".utf8)) == [5, 3, 1, 0, 4, 2])
        #expect(SuffixArray.build([]) == [])
        #expect(SuffixArray.build([7]) == [0])
        // A proper prefix comes first: "aa" → suffix "a" (1) before "aa" (0).
        #expect(SuffixArray.build([1, 1]) == [1, 0])
    }

    @Test func matchesNaiveSortOnRandomInputs() {
        var g = SplitMix64(seed: 42)
        for size in [2, 3, 4, 5, 7, 8, 13, 31, 64, 100, 255, 256, 1000, 4097] {
            for alphabet in [1, 2, 3, 4, 26, 256] {
                for _ in 0..<3 {
                    let s = (0..<size).map { _ in UInt8(truncatingIfNeeded: Int(g.next() % UInt64(alphabet))) }
                    #expect(SuffixArray.build(s) == naiveSuffixArray(s), "size \(size) alphabet \(alphabet): \(s.prefix(32))")
                }
            }
        }
    }

    @Test func everyShortStringOverSmallAlphabets() {
        // All strings over {0,1} up to 12 symbols and over {0,1,2} up to 7: every
        // pattern of types, LMS positions and recursion that short inputs can have.
        for (alphabet, maximumLength) in [(2, 12), (3, 7)] {
            for length in 1...maximumLength {
                var total = 1
                for _ in 0..<length { total *= alphabet }
                for code in 0..<total {
                    var s = [UInt8](repeating: 0, count: length)
                    var x = code
                    for i in 0..<length { s[i] = UInt8(x % alphabet); x /= alphabet }
                    let got = SuffixArray.build(s)
                    if got != naiveSuffixArray(s) {
                        Issue.record("wrong suffix array for \(s): \(got)")
                        return
                    }
                }
            }
        }
    }

    @Test func structuredInputs() {
        let cases: [(String, [UInt8])] = [
            ("all equal", [UInt8](repeating: 9, count: 3000)),
            ("period 2", (0..<3001).map { UInt8($0 & 1) }),
            ("period 3", (0..<3000).map { UInt8($0 % 3) }),
            ("fibonacci", fibonacciString(4000)),
            ("increasing", (0..<3000).map { UInt8(truncatingIfNeeded: $0) }),
            ("decreasing", (0..<3000).map { UInt8(truncatingIfNeeded: 255 - $0 % 256) }),
            ("ab^k a", [0] + [UInt8](repeating: 1, count: 1000) + [0]),
        ]
        for (name, s) in cases {
            #expect(SuffixArray.build(s) == naiveSuffixArray(s), "\(name)")
        }
    }

    @Test(arguments: Generators.adversarial())
    func adversarialInputsAreSorted(_ c: (String, [UInt8])) {
        #expect(isSortedSuffixArray(SuffixArray.build(c.1), of: c.1), "\(c.0)")
    }

    @Test(arguments: ["aaa.txt", "alphabet.txt", "random.txt"])
    func artificialCorpus(_ name: String) throws {
        let s = try TestCorpus.bytes("artificial", name)
        #expect(isSortedSuffixArray(SuffixArray.build(s), of: s), "\(name)")
    }

    @Test func largeDeeplyRecursiveInputs() {
        // Fibonacci strings recurse many levels; a long one checks the buffer reuse.
        let s = fibonacciString(1 << 20)
        #expect(isSortedSuffixArray(SuffixArray.build(s), of: s))
        let r = Generators.repetitive(1 << 20, seed: 5)
        #expect(isSortedSuffixArray(SuffixArray.build(r), of: r))
    }

    @Test func reducedProblemsWithoutRoomForBuckets() {
        // High and low bytes alternating: an LMS position at every other byte, so the
        // reduced string fills the buffer and its many distinct names get buckets of
        // their own (and, at small sizes, tables recounted from the text instead).
        var g = SplitMix64(seed: 11)
        for size in [3_000, 200_000] {
            let s = (0..<size).map { i -> UInt8 in
                let r = UInt8(truncatingIfNeeded: g.next()) & 127
                return i & 1 == 0 ? r | 128 : r
            }
            #expect(isSortedSuffixArray(SuffixArray.build(s), of: s), "\(size)")
            let few = s.map { $0 & 0x83 }  // few names: the reduced problem recurses deeper
            #expect(isSortedSuffixArray(SuffixArray.build(few), of: few), "\(size) few")
        }
    }

    @Test func rawBufferAPIWritesExactlyN() {
        let s = Generators.skewed(5000)
        var sa = [Int32](repeating: -7, count: s.count + 2)
        s.withUnsafeBytes { raw in sa.withUnsafeMutableBufferPointer { SuffixArray.build(raw, into: $0.baseAddress!) } }
        #expect(Array(sa.prefix(s.count)) == SuffixArray.build(s))
        #expect(sa[s.count] == -7 && sa[s.count + 1] == -7)
    }
}
