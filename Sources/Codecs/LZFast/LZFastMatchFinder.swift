#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The three parsers of `lzfast`, from fastest to strongest:
///
/// - `fast`: one hash table of positions, one probe per position, skipping
///   ahead faster the longer no match turns up (LZ4's acceleration, Collet
///   2011; zstd's "fast" strategy), and a check for the previous offset one
///   byte ahead before the table is read;
/// - `double`: two tables, one keyed by 8 bytes and one by fewer, so a long
///   match is preferred to a short one found first (zstd's "dfast");
/// - `lazy`: hash chains searched to a given depth, and a match taken only if
///   the next position does not start a better one (lazy evaluation as in
///   gzip, Gailly & Adler 1992).
///
/// Positions are UInt32 offsets into the block; a block is below 2^31 bytes.
@usableFromInline
struct LZFastMatchFinder {
    @usableFromInline let src: UnsafePointer<UInt8>
    @usableFromInline let n: Int

    init(src: UnsafePointer<UInt8>, count: Int) {
        self.src = src
        n = count
    }

    @inline(__always) func load64(_ i: Int) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(src + i).loadUnaligned(as: UInt64.self))
    }

    @inline(__always) func load32(_ i: Int) -> UInt32 {
        UInt32(littleEndian: UnsafeRawPointer(src + i).loadUnaligned(as: UInt32.self))
    }

    /// Multiplicative hash of the low `bytes` bytes of `v` into `log` bits
    /// (the multiplier is 2^64 / φ, odd: Knuth's Fibonacci hashing).
    @inline(__always) static func hash(_ v: UInt64, bytes: Int, log: Int) -> Int {
        Int(truncatingIfNeeded: ((v &<< UInt64(truncatingIfNeeded: 64 &- 8 &* bytes)) &* 0x9E37_79B9_7F4A_7C15) &>> UInt64(truncatingIfNeeded: 64 &- log))
    }

    /// Length of the common run of src[a…] and src[b…] (b < a), up to the block's end.
    @inline(__always) func commonLength(_ a: Int, _ b: Int) -> Int {
        var p = a
        let d = a &- b
        while p &+ 8 <= n {
            let x = load64(p) ^ load64(p &- d)
            if x != 0 { return p &- a &+ x.trailingZeroBitCount &>> 3 }
            p &+= 8
        }
        while p < n && src[p] == src[p &- d] { p &+= 1 }
        return p &- a
    }

    /// Extends a match at `start` (distance `offset`) backwards over the pending literals.
    @inline(__always) func extendBack(_ start: inout Int, _ length: inout Int, offset: Int, anchor: Int) {
        while start > anchor && start > offset && src[start &- 1] == src[start &- 1 &- offset] {
            start &-= 1
            length &+= 1
        }
    }

    /// Codes the match at `start` (first extended back over the pending
    /// literals, which moves `start` and `length`) with the literals from
    /// `anchor` before it; returns where
    /// parsing goes on, which is also the next anchor.
    @inline(__always) func emit(_ out: inout LZFastSequenceStore, start: inout Int, length: inout Int, offset: Int, anchor: Int) -> Int {
        extendBack(&start, &length, offset: offset, anchor: anchor)
        out.add(literalsFrom: anchor, count: start &- anchor, offset: offset, length: length)
        return start &+ length
    }

    /// Right after a match, codes the matches at the offset before the last
    /// one with no literals between (the last offset cannot match here: its
    /// match would have gone on), calling `insert` with each one's start for
    /// the hash tables; returns the position after them, also the next anchor.
    @inline(__always) func takeRepeats(_ out: inout LZFastSequenceStore, at start: Int, limit: Int, insert: (Int) -> Void) -> Int {
        var ip = start
        while ip < limit && load32(ip) == load32(ip &- out.rep1) {
            let rep = out.rep1
            let l = 4 &+ commonLength(ip &+ 4, ip &+ 4 &- rep)
            insert(ip)
            out.add(literalsFrom: ip, count: 0, offset: rep, length: l)
            ip &+= l
        }
        return ip
    }

    /// Bytes a new offset's match must end past a repeat's to be taken instead.
    static let repeatMargin = 3

    /// Order-0 entropy of every 7th byte, in sixteenths of a bit per byte: what
    /// a literal is likely to cost (the stride is odd so that records of 2^k
    /// bytes, geo's 4-byte numbers, do not alias it to one byte of each).
    func literalCost() -> Int {
        var counts = [Int](repeating: 0, count: 256)
        var i = 0, total = 0
        while i < n { counts[Int(src[i])] &+= 1; total &+= 1; i &+= 7 }
        var bits = 0.0
        let t = Double(total)
        for c in counts where c > 0 { bits -= Double(c) * log2(Double(c) / t) }
        return Int((bits / t * 16).rounded(.up))
    }

    /// Whether a match at a new offset saves less than it costs: `length`
    /// literals at `litCost` against the offset's extra bits and `overhead`
    /// bits for its token and offset code. On data whose literals are cheap
    /// (E.coli at 2 bits a byte, pic) a short match far back costs more than
    /// the literals it replaces.
    @inline(__always) static func unprofitable(length: Int, offset: Int, litCost: Int, overhead: Int) -> Bool {
        length &* litCost < (offset.bitWidthFloorFast &+ overhead) &* 16
    }

    // MARK: fast

    func parseFast(_ out: inout LZFastSequenceStore, hashLog: Int, hashBytes: Int, skipLog: Int, shortRepeat: Int, litCost: Int, overhead: Int) -> Int {
        guard n >= 16 else { return 0 }
        let size = 1 << hashLog
        let table = UnsafeMutablePointer<UInt32>.allocate(capacity: size)
        table.initialize(repeating: 0, count: size)
        defer { table.deallocate() }
        // Loads of 8 bytes stay inside the block.
        let limit = n &- 8
        var anchor = 0
        var ip = 1
        // Two positions per step, both looked up before either is checked,
        // so their table and candidate loads (cache misses on large blocks)
        // overlap (zstd's fast strategy does the same).
        while ip &+ 1 < limit {
            let cur0 = load64(ip), cur1 = load64(ip &+ 1)
            let h0 = Self.hash(cur0, bytes: hashBytes, log: hashLog)
            let h1 = Self.hash(cur1, bytes: hashBytes, log: hashLog)
            let cand0 = Int(table[h0])
            table[h0] = UInt32(truncatingIfNeeded: ip)
            let cand1 = Int(table[h1])
            table[h1] = UInt32(truncatingIfNeeded: ip &+ 1)
            var start: Int, offset: Int, length: Int
            let rep = out.rep
            if UInt32(truncatingIfNeeded: cur1) == load32(ip &+ 1 &- rep) {
                start = ip &+ 1
                offset = rep
                length = 4 &+ commonLength(start &+ 4, start &+ 4 &- offset)
                // A short repeat gives way to a table match that ends well
                // past it (binary records whose repeat distance drifts):
                // its offset costs more, the bytes it covers more than pay.
                if length < shortRepeat {
                    if load32(cand0) == UInt32(truncatingIfNeeded: cur0) && cand0 < ip {
                        let l = 4 &+ commonLength(ip &+ 4, cand0 &+ 4)
                        if ip &+ l >= start &+ length &+ LZFastMatchFinder.repeatMargin {
                            start = ip; offset = ip &- cand0; length = l
                        }
                    }
                    if load32(cand1) == UInt32(truncatingIfNeeded: cur1) && cand1 < ip &+ 1 && ip &+ 1 &- cand1 != offset {
                        let l = 4 &+ commonLength(ip &+ 5, cand1 &+ 4)
                        if ip &+ 1 &+ l >= start &+ length &+ (offset == rep ? LZFastMatchFinder.repeatMargin : 1) {
                            start = ip &+ 1; offset = ip &+ 1 &- cand1; length = l
                        }
                    }
                }
            } else if load32(cand0) == UInt32(truncatingIfNeeded: cur0) && cand0 < ip {
                start = ip
                offset = ip &- cand0
                length = 4 &+ commonLength(ip &+ 4, cand0 &+ 4)
            } else if load32(cand1) == UInt32(truncatingIfNeeded: cur1) && cand1 < ip &+ 1 {
                start = ip &+ 1
                offset = start &- cand1
                length = 4 &+ commonLength(start &+ 4, cand1 &+ 4)
            } else {
                ip &+= 2 &+ (ip &- anchor) &>> skipLog
                continue
            }
            if offset != rep && Self.unprofitable(length: length, offset: offset, litCost: litCost, overhead: overhead) {
                ip &+= 2 &+ (ip &- anchor) &>> skipLog
                continue
            }
            ip = emit(&out, start: &start, length: &length, offset: offset, anchor: anchor)
            if ip < limit {
                table[Self.hash(load64(ip &- 2), bytes: hashBytes, log: hashLog)] = UInt32(truncatingIfNeeded: ip &- 2)
                ip = takeRepeats(&out, at: ip, limit: limit) { _ in }
            }
            anchor = ip
        }
        return anchor
    }

    // MARK: double

    func parseDouble(_ out: inout LZFastSequenceStore, longLog: Int, shortLog: Int, shortBytes: Int, skipLog: Int, shortRepeat: Int, litCost: Int, overhead: Int, rejectSkipLog: Int) -> Int {
        guard n >= 16 else { return 0 }
        let longSize = 1 << longLog, shortSize = 1 << shortLog
        let long = UnsafeMutablePointer<UInt32>.allocate(capacity: longSize + shortSize)
        long.initialize(repeating: 0, count: longSize + shortSize)
        defer { long.deallocate() }
        let short = long + longSize
        let limit = n &- 9
        var anchor = 0
        var ip = 1
        while ip < limit {
            let cur = load64(ip)
            let hl = Self.hash(cur, bytes: 8, log: longLog)
            let hs = Self.hash(cur, bytes: shortBytes, log: shortLog)
            let candL = Int(long[hl]), candS = Int(short[hs])
            long[hl] = UInt32(truncatingIfNeeded: ip)
            short[hs] = UInt32(truncatingIfNeeded: ip)
            var start: Int, offset: Int, length: Int
            let rep = out.rep
            if load32(ip &+ 1) == load32(ip &+ 1 &- rep) {
                start = ip &+ 1
                offset = rep
                length = 4 &+ commonLength(start &+ 4, start &+ 4 &- offset)
                // As in `fast`: a short repeat gives way to a table match
                // at ip that ends well past it.
                if length < shortRepeat {
                    if load64(candL) == cur && candL < ip {
                        let l = 8 &+ commonLength(ip &+ 8, candL &+ 8)
                        if ip &+ l >= start &+ length &+ LZFastMatchFinder.repeatMargin {
                            start = ip; offset = ip &- candL; length = l
                        }
                    } else if load32(candS) == UInt32(truncatingIfNeeded: cur) && candS < ip {
                        let l = 4 &+ commonLength(ip &+ 4, candS &+ 4)
                        if ip &+ l >= start &+ length &+ LZFastMatchFinder.repeatMargin {
                            start = ip; offset = ip &- candS; length = l
                        }
                    }
                }
            } else if load64(candL) == cur && candL < ip {
                start = ip
                offset = ip &- candL
                length = 8 &+ commonLength(ip &+ 8, candL &+ 8)
            } else if load32(candS) == UInt32(truncatingIfNeeded: cur) && candS < ip {
                // A long match one byte on beats the short one here.
                let next = load64(ip &+ 1)
                let hl1 = Self.hash(next, bytes: 8, log: longLog)
                let candL1 = Int(long[hl1])
                long[hl1] = UInt32(truncatingIfNeeded: ip &+ 1)
                if load64(candL1) == next && candL1 < ip &+ 1 {
                    start = ip &+ 1
                    offset = start &- candL1
                    length = 8 &+ commonLength(start &+ 8, candL1 &+ 8)
                } else {
                    start = ip
                    offset = ip &- candS
                    length = 4 &+ commonLength(ip &+ 4, candS &+ 4)
                }
            } else {
                ip &+= 1 &+ (ip &- anchor) &>> skipLog
                continue
            }
            if offset != rep && Self.unprofitable(length: length, offset: offset, litCost: litCost, overhead: overhead) {
                // Skipping as fast as `fast` does: where matches are refused
                // one after another (E.coli), probing every byte would halve
                // the speed.
                ip &+= 1 &+ (ip &- anchor) &>> rejectSkipLog
                continue
            }
            ip = emit(&out, start: &start, length: &length, offset: offset, anchor: anchor)
            if ip < limit {
                // Positions inside the match, so later data can refer to them.
                let p = start &+ 2
                long[Self.hash(load64(p), bytes: 8, log: longLog)] = UInt32(truncatingIfNeeded: p)
                short[Self.hash(load64(p), bytes: shortBytes, log: shortLog)] = UInt32(truncatingIfNeeded: p)
                long[Self.hash(load64(ip &- 2), bytes: 8, log: longLog)] = UInt32(truncatingIfNeeded: ip &- 2)
                short[Self.hash(load64(ip &- 1), bytes: shortBytes, log: shortLog)] = UInt32(truncatingIfNeeded: ip &- 1)
                ip = takeRepeats(&out, at: ip, limit: limit) { q in
                    short[Self.hash(load64(q), bytes: shortBytes, log: shortLog)] = UInt32(truncatingIfNeeded: q)
                    long[Self.hash(load64(q), bytes: 8, log: longLog)] = UInt32(truncatingIfNeeded: q)
                }
            }
            anchor = ip
        }
        return anchor
    }

    // MARK: lazy

    func parseLazy(_ out: inout LZFastSequenceStore, hashLog: Int, chainLog: Int, depth: Int, lazySteps: Int, enough: Int) -> Int {
        guard n >= 16 else { return 0 }
        let headSize = 1 << hashLog, chainSize = 1 << chainLog
        let head = UnsafeMutablePointer<UInt32>.allocate(capacity: headSize + chainSize)
        // 0 marks an empty slot: position 0 is never inserted (parsing starts at 1).
        head.initialize(repeating: 0, count: headSize + chainSize)
        defer { head.deallocate() }
        let chain = head + headSize
        let chainMask = chainSize &- 1
        let limit = n &- 8
        var inserted = 1
        @inline(__always) func insert(upTo end: Int) {
            while inserted < end {
                let h = Self.hash(load64(inserted), bytes: 4, log: hashLog)
                chain[inserted & chainMask] = head[h]
                head[h] = UInt32(truncatingIfNeeded: inserted)
                inserted &+= 1
            }
        }
        // Best match at ip: (length, offset), length 0 if none of at least 4.
        @inline(__always) func best(_ ip: Int) -> (Int, Int) {
            insert(upTo: ip &+ 1)
            var bestLength = 3, bestOffset = 0
            let rep = out.rep
            if load32(ip) == load32(ip &- rep) {
                bestLength = 4 &+ commonLength(ip &+ 4, ip &+ 4 &- rep)
                bestOffset = rep
                if ip &+ bestLength >= n { return (bestLength, bestOffset) }
            }
            let rep1 = out.rep1
            if rep1 <= ip && load32(ip) == load32(ip &- rep1) {
                let l = 4 &+ commonLength(ip &+ 4, ip &+ 4 &- rep1)
                if l > bestLength {
                    bestLength = l
                    bestOffset = rep1
                    if ip &+ bestLength >= n { return (bestLength, bestOffset) }
                }
            }
            var cand = Int(chain[ip & chainMask])
            let lowest = Swift.max(1, ip &- chainMask)
            var tries = depth
            let target = UnsafeRawPointer(src + ip)
            while cand >= lowest && tries > 0 {
                tries &-= 1
                // The byte just past the best length must match to do better.
                if src[cand &+ bestLength] == target.load(fromByteOffset: bestLength, as: UInt8.self) && load32(cand) == load32(ip) {
                    let l = 4 &+ commonLength(ip &+ 4, cand &+ 4)
                    if l > bestLength {
                        bestLength = l
                        bestOffset = ip &- cand
                        if ip &+ l >= n || l >= enough { break }
                    }
                }
                let next = Int(chain[cand & chainMask])
                if next >= cand { break }
                cand = next
            }
            return bestOffset == 0 ? (0, 0) : (bestLength, bestOffset)
        }
        @inline(__always) func cost(_ offset: Int) -> Int { offset == out.rep || offset == out.rep1 ? 0 : offset.bitWidthFloorFast }
        var anchor = 0
        var ip = 1
        while ip < limit {
            var (length, offset) = best(ip)
            if length == 0 {
                ip &+= 1 &+ (ip &- anchor) &>> 10
                continue
            }
            var start = ip
            // Lazy evaluation: a later start wins if its gain outweighs the
            // literal it costs and the offset bits (weights in quarter bytes).
            while start &+ 1 < limit {
                let score = length &* 4 &- cost(offset)
                let (l2, o2) = best(start &+ 1)
                if l2 > 0 && l2 &* 4 &- cost(o2) > score &+ 4 {
                    start &+= 1; length = l2; offset = o2
                    continue
                }
                if lazySteps >= 2 && start &+ 2 < limit {
                    let (l3, o3) = best(start &+ 2)
                    if l3 > 0 && l3 &* 4 &- cost(o3) > score &+ 8 {
                        start &+= 2; length = l3; offset = o3
                        continue
                    }
                }
                break
            }
            ip = emit(&out, start: &start, length: &length, offset: offset, anchor: anchor)
            anchor = ip
            insert(upTo: Swift.min(ip, limit))
        }
        return anchor
    }
}
