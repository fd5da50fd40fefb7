import BitIO

/// The Burrows–Wheeler transform (Burrows & Wheeler, "A Block-sorting Lossless Data
/// Compression Algorithm", DEC SRC Research Report 124, 1994), computed from a suffix
/// array (SA-IS) rather than by sorting rotations.
///
/// Convention: sort the n+1 suffixes of S (n = input.count) including the empty one,
/// with an implicit terminator smaller than every byte. Row r's last column is
/// L[r] = S[SA'[r] − 1], except for the row of the suffix starting at 0, whose last
/// column is the terminator. The output is L without that row (exactly n bytes), and
/// `primaryIndex` is that row's number in 0…n. Row 0 is always the empty suffix, so for
/// n ≥ 1 the output starts with S[n−1] and the primary index is in 1…n.
public enum BurrowsWheeler {
    /// Writes the transform of `input` into `output` (at least `input.count` bytes) and
    /// returns the primary index; for an empty input writes nothing and returns 0.
    /// Inputs beyond `SuffixArray.maximumCount` bytes are not supported (nothing is
    /// written and 0 is returned).
    /// Memory: one 4n-byte suffix array (on huge pages where offered); SA-IS needs
    /// nothing in proportion to n beyond it on typical data (see `SuffixArray` for the
    /// worst case). With the caller's input and output that is 6n bytes at the peak.
    public static func forward(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) -> Int {
        let n = input.count
        guard n > 0, n <= SuffixArray.maximumCount, output.count >= n,
              let src = input.baseAddress, let dstBase = output.baseAddress else { return 0 }
        let sa = LargeAllocation.allocate(Int32.self, count: n)
        defer { LargeAllocation.deallocate(sa, count: n) }
        SuffixArray.build(input, into: sa)
        let s = src.assumingMemoryBound(to: UInt8.self)
        let dst = dstBase.assumingMemoryBound(to: UInt8.self)
        dst[0] = s[n - 1]
        var primary = 0
        var o = 1
        for r in 0..<n {
            let p = Int(sa[r])
            if p == 0 {
                primary = r + 1
            } else {
                dst[o] = s[p - 1]
                o += 1
            }
        }
        return primary
    }

    /// Inverts `forward`: writes `input.count` bytes into `output`. Throws
    /// `.corrupt` on a primary index outside 1…n (n ≥ 1) or 0 (n = 0), and
    /// `.invalidParameter` if `output` is too small. Any bytes with a valid index
    /// decode to some n bytes: the successor table is a permutation of the rows, so
    /// every walk stays in bounds and ends.
    /// Memory: the successor table of n+1 entries, 4 bytes each below 16 Mi bytes, else
    /// 8 bytes (on huge pages where the system offers them), plus an n-byte staging
    /// buffer for blocks of 64 KiB and more: about 5n bytes (9n from 16 Mi bytes), 7n
    /// with the caller's input and output.
    public static func inverse(_ input: UnsafeRawBufferPointer, primaryIndex: Int,
                               into output: UnsafeMutableRawBufferPointer) throws(CodecError) {
        let n = input.count
        if n == 0 {
            guard primaryIndex == 0 else { throw .corrupt("BWT primary index \(primaryIndex) for an empty block") }
            return
        }
        guard primaryIndex >= 1, primaryIndex <= n else {
            throw .corrupt("BWT primary index \(primaryIndex) outside 1…\(n)")
        }
        guard n <= SuffixArray.maximumCount else { throw .limitExceeded("BWT block of \(n) bytes") }
        guard output.count >= n, let srcBase = input.baseAddress, let dstBase = output.baseAddress else {
            throw .invalidParameter("BWT output buffer of \(output.count) bytes for \(n)")
        }
        let l = srcBase.assumingMemoryBound(to: UInt8.self)
        let dst = dstBase.assumingMemoryBound(to: UInt8.self)
        if n < (1 << 24) {
            decode(l, n, primaryIndex, dst, as: UInt32.self)
        } else {
            decode(l, n, primaryIndex, dst, as: UInt64.self)
        }
    }

    /// Builds the successor vector ψ (Burrows & Wheeler 1994, algorithm D, run forward):
    /// entry r packs the row that follows row r in text order (above the low 8 bits)
    /// and the byte that row starts with (low 8 bits), so S is the walk from the
    /// primary row. Row 0 (the terminator's) leads to the primary row.
    @inline(__always)
    static func decode<Word: FixedWidthInteger & UnsignedInteger>(
        _ l: UnsafePointer<UInt8>, _ n: Int, _ primary: Int, _ dst: UnsafeMutablePointer<UInt8>, as: Word.Type
    ) {
        // Bucket starts in the first column of the n+1 rows: the terminator takes row 0.
        var start = [Int](repeating: 0, count: 256)
        start.withUnsafeMutableBufferPointer { start in
            for i in 0..<n { start[Int(l[i])] += 1 }
            var sum = 1
            for c in 0..<256 { let t = start[c]; start[c] = sum; sum += t }
        }
        let psi = LargeAllocation.allocate(Word.self, count: n + 1)
        defer { LargeAllocation.deallocate(psi, count: n + 1) }
        start.withUnsafeMutableBufferPointer { start in
            psi[0] = Word(truncatingIfNeeded: primary) << 8
            // Row r of the full last column is l[r] before the primary row, l[r−1] after it.
            for r in 0..<primary {
                let c = Int(l[r])
                let f = start[c]
                psi[f] = (Word(truncatingIfNeeded: r) << 8) | Word(truncatingIfNeeded: c)
                start[c] = f + 1
            }
            var r = primary + 1
            while r <= n {
                let c = Int(l[r - 1])
                let f = start[c]
                psi[f] = (Word(truncatingIfNeeded: r) << 8) | Word(truncatingIfNeeded: c)
                start[c] = f + 1
                r += 1
            }
        }
        if n >= LaneWalk.minimumCount && LaneWalk.run(psi, n, primary, dst) { return }
        // One chain (small blocks, or a table that is not one cycle: corrupt data).
        var row = primary
        for k in 0..<n {
            let e = psi[row]
            dst[k] = UInt8(truncatingIfNeeded: e)
            row = Int(truncatingIfNeeded: e >> 8)
        }
    }

    /// The walk over ψ cut into many chains walked side by side, so that the processor
    /// overlaps their cache misses instead of waiting for one at a time. The cuts are at
    /// rows that are multiples of `spacing` (their places in the text are unknown until
    /// walked): each chain runs from its cut row to the next cut row (or row 0), writing
    /// its bytes to a staging buffer in segments; then the chains are put in text order
    /// by following each one's successor from the primary row's chain, and copied out.
    /// On data whose ψ is not one cycle the chains do not link up to n bytes, and the
    /// caller falls back to the single walk (same result as the single walk otherwise).
    enum LaneWalk {
        static let minimumCount = 1 << 16
        static let spacingShift = 12
        static let blockShift = 14

        /// One walker: the row it reads next, where its next byte goes, its chain and
        /// the staging segment it is filling.
        struct Lane {
            var row: Int
            var out: Int
            var chain: Int
            var segment: Int
        }

        /// The chains, their segments in the staging buffer and the next free block.
        struct Chains {
            let cuts: Int
            let primary: Int
            let primaryChain: Int
            let chainNext: UnsafeMutablePointer<Int>
            let chainLength: UnsafeMutablePointer<Int>
            let segmentChain: UnsafeMutablePointer<Int>
            let segmentStart: UnsafeMutablePointer<Int>
            let segmentEnd: UnsafeMutablePointer<Int>
            var nextChain = 0
            var nextBlock = 0
            var segmentCount = 0

            /// A new lane on the next chain to walk (skipping the primary slot when the
            /// primary row is itself a cut), in a new block; nil when none is left.
            mutating func newLane() -> Lane? {
                guard let chain = takeChain() else { return nil }
                let out = nextBlock << blockShift
                nextBlock += 1
                return open(chain: chain, row: startRow(chain), out: out)
            }

            mutating func takeChain() -> Int? {
                if nextChain == cuts && primaryChain != cuts { nextChain += 1 }
                guard nextChain <= cuts else { return nil }
                defer { nextChain += 1 }
                return nextChain
            }

            func startRow(_ chain: Int) -> Int { chain < cuts ? (chain + 1) << spacingShift : primary }

            mutating func open(chain: Int, row: Int, out: Int) -> Lane {
                let s = segmentCount
                segmentCount += 1
                segmentChain[s] = chain
                segmentStart[s] = out
                return Lane(row: row, out: out, chain: chain, segment: s)
            }

            /// After `lane` stepped onto a cut row or filled its block: close its segment,
            /// then go on in a new block or with the next chain; nil when no chain is left.
            @inline(never)
            mutating func advance(_ lane: Lane) -> Lane? {
                segmentEnd[lane.segment] = lane.out
                chainLength[lane.chain] += lane.out - segmentStart[lane.segment]
                var out = lane.out
                if out & ((1 << blockShift) - 1) == 0 {  // the block is full
                    out = nextBlock << blockShift
                    nextBlock += 1
                }
                if lane.row & ((1 << spacingShift) - 1) != 0 {  // the chain goes on
                    return open(chain: lane.chain, row: lane.row, out: out)
                }
                chainNext[lane.chain] = lane.row
                guard let chain = takeChain() else { return nil }
                return open(chain: chain, row: startRow(chain), out: out)
            }
        }

        /// One step of a lane; true when it has reached a cut row or the end of its block.
        @inline(__always)
        static func step<Word: FixedWidthInteger & UnsignedInteger>(
            _ lane: inout Lane, _ psi: UnsafeMutablePointer<Word>, _ staging: UnsafeMutablePointer<UInt8>
        ) -> Bool {
            let e = psi[lane.row]
            staging[lane.out] = UInt8(truncatingIfNeeded: e)
            lane.out &+= 1
            lane.row = Int(truncatingIfNeeded: e >> 8)
            return lane.row & ((1 << spacingShift) - 1) == 0 || lane.out & ((1 << blockShift) - 1) == 0
        }

        @inline(__always)
        static func run<Word: FixedWidthInteger & UnsignedInteger>(
            _ psi: UnsafeMutablePointer<Word>, _ n: Int, _ primary: Int, _ dst: UnsafeMutablePointer<UInt8>
        ) -> Bool {
            let lanes = 8
            let cuts = n >> spacingShift  // cut rows t·spacing for t in 1…cuts
            guard cuts >= lanes else { return false }
            // Chain t−1 starts at cut row t·spacing; chain `cuts` at the primary row unless that is a cut.
            let primaryChain = primary & ((1 << spacingShift) - 1) == 0 ? (primary >> spacingShift) - 1 : cuts
            let chainCount = cuts + 1
            // Every block but the lanes' last ones is filled: n bytes need at most this many.
            let blockCount = (n >> blockShift) + lanes + 1
            let segmentCapacity = chainCount + blockCount + lanes
            // Written and read in order: ordinary pages, touched only as far as used.
            let staging = UnsafeMutablePointer<UInt8>.allocate(capacity: blockCount << blockShift)
            defer { staging.deallocate() }
            let chainNext = UnsafeMutablePointer<Int>.allocate(capacity: chainCount)
            let chainLength = UnsafeMutablePointer<Int>.allocate(capacity: chainCount)
            let segmentChain = UnsafeMutablePointer<Int>.allocate(capacity: segmentCapacity)
            let segmentStart = UnsafeMutablePointer<Int>.allocate(capacity: segmentCapacity)
            let segmentEnd = UnsafeMutablePointer<Int>.allocate(capacity: segmentCapacity)
            defer {
                chainNext.deallocate(); chainLength.deallocate()
                segmentChain.deallocate(); segmentStart.deallocate(); segmentEnd.deallocate()
            }
            chainNext.initialize(repeating: -1, count: chainCount)
            chainLength.initialize(repeating: 0, count: chainCount)
            var chains = Chains(cuts: cuts, primary: primary, primaryChain: primaryChain,
                                chainNext: chainNext, chainLength: chainLength, segmentChain: segmentChain,
                                segmentStart: segmentStart, segmentEnd: segmentEnd)

            // Eight lanes in local variables (kept in registers) until the chains run out…
            guard var l0 = chains.newLane(), var l1 = chains.newLane(), var l2 = chains.newLane(),
                  var l3 = chains.newLane(), var l4 = chains.newLane(), var l5 = chains.newLane(),
                  var l6 = chains.newLane(), var l7 = chains.newLane() else { return false }
            var finished = 0
            walk: while true {
                if step(&l0, psi, staging) { guard let x = chains.advance(l0) else { finished = 0; break walk }; l0 = x }
                if step(&l1, psi, staging) { guard let x = chains.advance(l1) else { finished = 1; break walk }; l1 = x }
                if step(&l2, psi, staging) { guard let x = chains.advance(l2) else { finished = 2; break walk }; l2 = x }
                if step(&l3, psi, staging) { guard let x = chains.advance(l3) else { finished = 3; break walk }; l3 = x }
                if step(&l4, psi, staging) { guard let x = chains.advance(l4) else { finished = 4; break walk }; l4 = x }
                if step(&l5, psi, staging) { guard let x = chains.advance(l5) else { finished = 5; break walk }; l5 = x }
                if step(&l6, psi, staging) { guard let x = chains.advance(l6) else { finished = 6; break walk }; l6 = x }
                if step(&l7, psi, staging) { guard let x = chains.advance(l7) else { finished = 7; break walk }; l7 = x }
            }
            // …then the other seven finish their chains, still side by side.
            var rest = [l0, l1, l2, l3, l4, l5, l6, l7]
            rest.remove(at: finished)
            while !rest.isEmpty {
                var i = 0
                while i < rest.count {
                    if step(&rest[i], psi, staging) {
                        if let x = chains.advance(rest[i]) {
                            rest[i] = x
                        } else {
                            rest.swapAt(i, rest.count - 1)
                            rest.removeLast()
                            continue
                        }
                    }
                    i += 1
                }
            }

            // Link the chains from the primary row's; each must be met once, ending at row 0 after n bytes.
            let offset = chainNext  // reused below: chain → output offset, once its successor is read
            var chain = primaryChain
            var total = 0
            var steps = 0
            while true {
                let next = chainNext[chain]
                guard next >= 0, steps < chainCount else { return false }
                offset[chain] = -2 - total  // marks the chain as placed (≤ −2), keeps the offset
                total += chainLength[chain]
                steps += 1
                if next == 0 { break }
                chain = (next >> spacingShift) - 1
            }
            guard total == n else { return false }
            for s in 0..<chains.segmentCount {
                let c = segmentChain[s]
                let at = -2 - offset[c]
                let count = segmentEnd[s] - segmentStart[s]
                guard offset[c] <= -2, at + count <= n else { return false }
                (dst + at).update(from: staging + segmentStart[s], count: count)
                offset[c] -= count
            }
            return true
        }
    }

    /// Convenience over arrays.
    public static func forward(_ bytes: [UInt8]) -> (bwt: [UInt8], primaryIndex: Int) {
        var out = [UInt8](repeating: 0, count: bytes.count)
        let primary = bytes.withUnsafeBytes { i in out.withUnsafeMutableBytes { o in forward(i, into: o) } }
        return (out, primary)
    }

    public static func inverse(_ bwt: [UInt8], primaryIndex: Int) throws(CodecError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: bwt.count)
        let result: Result<Void, CodecError> = bwt.withUnsafeBytes { i in
            out.withUnsafeMutableBytes { o in
                do throws(CodecError) { try inverse(i, primaryIndex: primaryIndex, into: o); return .success(()) }
                catch { return .failure(error) }
            }
        }
        try result.get()
        return out
    }
}
