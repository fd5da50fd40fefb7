import Entropy

/// The model of LZW codes for `lzw-arith`. A code names a phrase; it is sent
/// as (first byte of the phrase, rank of the phrase among the dictionary's
/// phrases that start with that byte, in order of creation):
///
/// - the first byte is coded with adaptive frequencies in the context of the
///   last two bytes before it (hashed to 16384 contexts, each seeded from the
///   order-1 counts on first use), and with *deterministic exclusion*: the
///   greedy parse stopped the previous phrase P because P + c was not in the
///   dictionary, so no byte c that extends P (a child of P in the trie) can
///   start the next phrase — those counts are set aside for this symbol (the
///   exclusion of PPM, Cleary & Witten 1984; for LZ78/LZW codes, Langdon 1983,
///   "A note on the Ziv–Lempel model for compressing individual sequences");
/// - the rank is coded most significant bit first down a binary tree of
///   adaptive probabilities owned by that first byte (LZMA-style bit tree),
///   one bit per doubling of that byte's phrase count; when the count passes a
///   power of two the tree gains a level above the old one, which is kept.
///
/// Both sides keep a mirror of the dictionary (parent, last byte, first byte,
/// rank, child lists) and update it in the same order: a phrase's entry
/// "previous phrase + its first byte" is added once that byte is known, before
/// the rank, so the KwKwK phrase (the entry just added) has a rank.
/// CLEAR is a flag coded before each phrase once the dictionary is full.
struct LZWPhraseModel: ~Copyable {
    /// A rank-tree bit: the mean of a fast and a slow adaptive probability, which
    /// tracks both recent and long-run use of a region of the dictionary.
    struct RankBit {
        var fast: AdaptiveBitProbability
        var slow: AdaptiveBitProbability
        init(value: UInt16 = 1 << 15) {
            fast = AdaptiveBitProbability(value: value)
            slow = fast
        }
        @inline(__always) var probability: UInt32 { (UInt32(fast.value) &+ UInt32(slow.value)) &>> 1 }
        @inline(__always) mutating func update(_ bit: Bool) {
            fast.update(bit, shift: LZWPhraseModel.fastShift)
            slow.update(bit, shift: LZWPhraseModel.slowShift)
        }
    }
    static let fastShift = 3, slowShift = 5
    static let newRootProbability: UInt16 = 4096
    /// Layout of an `AdaptiveFrequencyModel` context (see its documentation).
    static let stride = AdaptiveFrequencyModel.stride, groupBase = 256, totalIndex = 272
    static let chunkBits = 8
    static let contextBits = 14, contextCount = 1 << contextBits

    let maxCodes: Int
    let chunksPerByte: Int
    let parent: UnsafeMutablePointer<Int32>
    let lastByte: UnsafeMutablePointer<UInt8>
    let firstByte: UnsafeMutablePointer<UInt8>
    let rank: UnsafeMutablePointer<UInt32>
    let firstChild: UnsafeMutablePointer<Int32>
    let nextSibling: UnsafeMutablePointer<Int32>
    /// Per first byte: phrase count, rank-tree depth and offset in `pool`, chunk table.
    let counts: UnsafeMutablePointer<Int>
    let treeBits: UnsafeMutablePointer<Int>
    let treeOffset: UnsafeMutablePointer<Int>
    let pool: UnsafeMutablePointer<RankBit>
    let poolCapacity: Int
    var poolUsed = 0
    /// Rank → code, in chunks of 2^chunkBits: `chunks[chunkTable[b, rank >> 8] << 8 | rank & 255]`.
    let chunkTable: UnsafeMutablePointer<Int32>
    let chunks: UnsafeMutablePointer<UInt32>
    var chunksUsed = 0
    /// First-byte frequencies: `contextCount` hashed order-2 contexts, one for "no previous
    /// phrase", then 256 order-1 contexts that only seed the order-2 ones (`seeded`).
    let contexts: UnsafeMutablePointer<UInt16>
    let saved: UnsafeMutablePointer<UInt16>
    let seeded: UnsafeMutablePointer<Bool>
    var clearFlag = AdaptiveBitProbability()
    var nextCode = LZWCodec.firstFree
    var previous = -1
    /// The last two bytes before the next phrase.
    var history = 0

    init(maxBits: Int) {
        maxCodes = 1 << maxBits
        chunksPerByte = (maxCodes >> Self.chunkBits) + 1
        parent = .allocate(capacity: maxCodes)
        lastByte = .allocate(capacity: maxCodes)
        firstByte = .allocate(capacity: maxCodes)
        rank = .allocate(capacity: maxCodes)
        firstChild = .allocate(capacity: maxCodes)
        nextSibling = .allocate(capacity: maxCodes)
        counts = .allocate(capacity: 256)
        treeBits = .allocate(capacity: 256)
        treeOffset = .allocate(capacity: 256)
        // A byte with c phrases has allocated trees of 2, 4, ..., 2^w cells with 2^(w-1) < c: < 4c in all.
        poolCapacity = 4 * maxCodes + 1024
        pool = .allocate(capacity: poolCapacity)
        chunkTable = .allocate(capacity: 256 * chunksPerByte)
        chunks = .allocate(capacity: (256 + chunksPerByte) << Self.chunkBits)
        contexts = .allocate(capacity: (Self.contextCount + 257) * Self.stride)
        saved = .allocate(capacity: 256)
        // The hashed order-2 contexts are filled when first used (`seed`): a small input
        // should not pay for initializing all of them.
        seeded = .allocate(capacity: Self.contextCount)
        seeded.initialize(repeating: false, count: Self.contextCount)
        for k in Self.contextCount..<(Self.contextCount + 257) { AdaptiveFrequencyModel.initialize(contexts + k * Self.stride) }
        reset()
    }

    deinit {
        parent.deallocate(); lastByte.deallocate(); firstByte.deallocate(); rank.deallocate()
        firstChild.deallocate(); nextSibling.deallocate()
        counts.deallocate(); treeBits.deallocate(); treeOffset.deallocate(); pool.deallocate()
        chunkTable.deallocate(); chunks.deallocate(); contexts.deallocate(); saved.deallocate(); seeded.deallocate()
    }

    /// Empties the dictionary (start and CLEAR). The first-byte statistics are
    /// kept: they describe the text, not the dictionary.
    mutating func reset() {
        nextCode = LZWCodec.firstFree
        previous = -1
        poolUsed = 0
        chunksUsed = 0
        for b in 0..<256 {
            parent[b] = -1
            lastByte[b] = UInt8(truncatingIfNeeded: b)
            firstByte[b] = UInt8(truncatingIfNeeded: b)
            rank[b] = 0
            firstChild[b] = -1
            counts[b] = 1
            treeBits[b] = 0
            treeOffset[b] = 0
            chunkTable[b &* chunksPerByte] = Int32(truncatingIfNeeded: chunksUsed)
            chunks[chunksUsed << Self.chunkBits] = UInt32(truncatingIfNeeded: b)
            chunksUsed &+= 1
        }
    }

    /// Adds "previous phrase + b" as the next code.
    @inline(__always)
    mutating func addEntry(after p: Int, byte b: Int) {
        let code = nextCode
        nextCode &+= 1
        parent[code] = Int32(truncatingIfNeeded: p)
        lastByte[code] = UInt8(truncatingIfNeeded: b)
        let f = Int(firstByte[p])
        firstByte[code] = UInt8(truncatingIfNeeded: f)
        firstChild[code] = -1
        nextSibling[code] = firstChild[p]
        firstChild[p] = Int32(truncatingIfNeeded: code)
        let r = counts[f]
        rank[code] = UInt32(truncatingIfNeeded: r)
        counts[f] = r &+ 1
        let slot = f &* chunksPerByte &+ (r &>> Self.chunkBits)
        if r & ((1 << Self.chunkBits) - 1) == 0 {
            chunkTable[slot] = Int32(truncatingIfNeeded: chunksUsed)
            chunksUsed &+= 1
        }
        chunks[Int(chunkTable[slot]) << Self.chunkBits | (r & ((1 << Self.chunkBits) - 1))] = UInt32(truncatingIfNeeded: code)
        if r &+ 1 > 1 << treeBits[f] { growTree(f) }
    }

    /// Gives byte f's rank tree one more level on top: the old tree becomes the
    /// subtree under a leading 0 bit (old node k at depth d moves to k + 2^d).
    mutating func growTree(_ f: Int) {
        let w = treeBits[f]
        let size = 2 << w
        let old = pool + treeOffset[f]
        let new = pool + poolUsed
        new.initialize(repeating: RankBit(), count: size)
        // The new top half holds one phrase against 2^w below: start the root biased to 0.
        new[1] = RankBit(value: Self.newRootProbability)
        if w > 0 {
            var d = 0
            while d < w {
                var k = 1 << d
                while k < 2 << d { new[k &+ (1 << d)] = old[k]; k &+= 1 }
                d &+= 1
            }
        }
        treeOffset[f] = poolUsed
        poolUsed &+= size
        treeBits[f] = w &+ 1
    }

    /// The first-byte context after `previous`, with the children of `previous` excluded
    /// (their counts moved to `saved`); returns the context and the number excluded.
    @inline(__always)
    func excludeChildren() -> (UnsafeMutablePointer<UInt16>, Int) {
        guard previous >= 0 else { return (contexts + Self.contextCount * Self.stride, 0) }
        let index = Int(truncatingIfNeeded: (UInt32(truncatingIfNeeded: history) &* 0x9E37_79B1) &>> UInt32(32 &- Self.contextBits))
        let ctx = contexts + index &* Self.stride
        if !seeded[index] {
            seeded[index] = true
            seed(ctx, from: order1(history & 0xFF))
        }
        var n = 0
        var c = Int(firstChild[previous])
        while c >= 0 {
            let s = Int(lastByte[c])
            let k = ctx[s]
            saved[n] = k
            n &+= 1
            ctx[s] = 0
            ctx[Self.groupBase &+ s &>> 4] &-= k
            ctx[Self.totalIndex] &-= k
            c = Int(nextSibling[c])
        }
        return (ctx, n)
    }

    /// Puts the excluded counts back (same walk as `excludeChildren`).
    @inline(__always)
    func restoreChildren(_ ctx: UnsafeMutablePointer<UInt16>, _ n: Int) {
        guard n > 0 else { return }
        var i = 0
        var c = Int(firstChild[previous])
        while c >= 0 && i < n {
            let s = Int(lastByte[c])
            let k = saved[i]
            ctx[s] = k
            ctx[Self.groupBase &+ s &>> 4] &+= k
            ctx[Self.totalIndex] &+= k
            i &+= 1
            c = Int(nextSibling[c])
        }
    }

    @inline(__always)
    func order1(_ b: Int) -> UnsafeMutablePointer<UInt16> { contexts + (Self.contextCount + 1 + b) * Self.stride }

    /// A hashed order-2 context starts from the counts of its order-1 context, scaled
    /// down so it still adapts quickly (a cheap stand-in for PPM's escape to order 1).
    func seed(_ ctx: UnsafeMutablePointer<UInt16>, from o1: UnsafeMutablePointer<UInt16>) {
        var total: UInt16 = 0
        for g in 0..<16 {
            var sum: UInt16 = 0
            for s in (g << 4)..<((g << 4) + 16) {
                let c = (o1[s] &+ 3) >> 2
                ctx[s] = c
                sum &+= c
            }
            ctx[Self.groupBase + g] = sum
            total &+= sum
        }
        ctx[Self.totalIndex] = total
    }

    @inline(__always)
    mutating func noteHistory(_ q: Int) {
        let p = Int(parent[q])
        history = (p >= 0 ? Int(lastByte[p]) : history & 0xFF) << 8 | Int(lastByte[q])
    }

    /// Codes the phrase with code `q` (≤ nextCode; = nextCode only for KwKwK).
    @inline(__always)
    mutating func encode(_ q: Int, into encoder: inout RangeEncoder) {
        if nextCode >= maxCodes && previous >= 0 {
            encoder.encodeBit(false, probabilityOfOne: UInt32(clearFlag.value))
            clearFlag.update(false, shift: 5)
        }
        let b = q < nextCode ? Int(firstByte[q]) : Int(firstByte[previous])
        let (ctx, n) = excludeChildren()
        let (cum, freq) = AdaptiveFrequencyModel.interval(of: b, in: ctx)
        encoder.encode(cumulative: cum, frequency: freq, total: AdaptiveFrequencyModel.total(ctx))
        restoreChildren(ctx, n)
        AdaptiveFrequencyModel.update(b, in: ctx)
        if previous >= 0 { AdaptiveFrequencyModel.update(b, in: order1(history & 0xFF)) }
        if previous >= 0 && nextCode < maxCodes { addEntry(after: previous, byte: b) }
        let w = treeBits[b]
        if w > 0 {
            let t = pool + treeOffset[b]
            let r = Int(rank[q])
            var node = 1
            var k = w &- 1
            while k >= 0 {
                let bit = (r >> k) & 1 != 0
                encoder.encodeBit(bit, probabilityOfOne: t[node].probability)
                t[node].update(bit)
                node = node &<< 1 | (bit ? 1 : 0)
                k &-= 1
            }
        }
        previous = q
        noteHistory(q)
    }

    /// Codes CLEAR (only sent when the dictionary is full) and empties the dictionary.
    mutating func encodeClear(into encoder: inout RangeEncoder) {
        encoder.encodeBit(true, probabilityOfOne: UInt32(clearFlag.value))
        clearFlag.update(true, shift: 5)
        reset()
    }

    /// Decodes one code (`LZWCodec.clearCode` for CLEAR, after which the model is reset).
    @inline(__always)
    mutating func decode(from decoder: inout RangeDecoder) throws(CodecError) -> Int {
        if nextCode >= maxCodes && previous >= 0 {
            let clear = decoder.decodeBit(probabilityOfOne: UInt32(clearFlag.value))
            clearFlag.update(clear, shift: 5)
            if clear { reset(); return LZWCodec.clearCode }
        }
        let (ctx, n) = excludeChildren()
        let total = AdaptiveFrequencyModel.total(ctx)
        guard total > 0 else {
            restoreChildren(ctx, n)
            throw .corrupt("LZW phrase cannot start with any byte after code \(previous)")
        }
        let target: (offset: UInt64, width: UInt64)
        do { target = try decoder.decodeScaledTarget(total: total) } catch { restoreChildren(ctx, n); throw error }
        let (b, cum, freq) = AdaptiveFrequencyModel.symbol(atOffset: target.offset, width: target.width, in: ctx)
        restoreChildren(ctx, n)
        guard freq > 0 else { throw .corrupt("LZW first byte excluded after code \(previous)") }
        decoder.consume(cumulative: cum, frequency: freq)
        AdaptiveFrequencyModel.update(b, in: ctx)
        if previous >= 0 { AdaptiveFrequencyModel.update(b, in: order1(history & 0xFF)) }
        if previous >= 0 && nextCode < maxCodes { addEntry(after: previous, byte: b) }
        let w = treeBits[b]
        var r = 0
        if w > 0 {
            let t = pool + treeOffset[b]
            var node = 1
            var k = w
            while k > 0 {
                let bit = decoder.decodeBit(probabilityOfOne: t[node].probability)
                t[node].update(bit)
                node = node &<< 1 | (bit ? 1 : 0)
                k &-= 1
            }
            r = node &- (1 << w)
        }
        guard r < counts[b] else { throw .corrupt("LZW phrase rank \(r) of byte \(b) not in the dictionary") }
        let q = Int(chunks[Int(chunkTable[b &* chunksPerByte &+ (r &>> Self.chunkBits)]) << Self.chunkBits | (r & ((1 << Self.chunkBits) - 1))])
        previous = q
        noteHistory(q)
        return q
    }
}
