internal import CPrefetch

/// The PPM model: a suffix-linked context trie over orders 0...N (Cleary &
/// Witten 1984; Moffat 1990, "Implementing the PPM data compression scheme")
/// in one flat pool of 32-bit words, addressed by index, never by pointer.
///
/// Layout (word indices into `pool`; index 0 is "none"):
/// - context node, 4 words: numStats | order << 9, sum of counts, index of its
///   symbol list, index of its suffix context (0 for the root);
/// - symbol list: `numStats` states of 2 words, symbol | count << 8 and the
///   successor. Lists live in size classes with free lists, so growing one
///   moves it to the next class and recycles the old block.
///
/// A successor is either a context node (the context extended by the symbol)
/// or, with bit 31 set, a text position: the context followed by the symbol
/// was seen once, ending just before that position, and its node is built
/// only when it is seen again (lazy growth, as in Shkarin's PPMd). In a
/// context of the maximum order the successor is the maximum-order context
/// that follows (suffix + symbol). The text is the block itself: the input
/// when encoding, the output written so far when decoding. The model only
/// reads it; `decode` writes each byte through the output pointer it is given.
///
/// When the pool is full the model follows its `PPMPoolPolicy`: restart from
/// the order-0 context with all 256 symbols (the first format), or freeze the
/// trie's shape and keep counting in the contexts it has. Both are bounded
/// and deterministic, since encoder and decoder run out of memory at the same
/// symbol. The model owns its pool and tables and frees them in `deinit`.
struct PPMModel: ~Copyable {
    /// 1 if the previous byte was ≥ 0x40 (letters), a context bit for the tables.
    var prevHigh = 0

    // Tuned on Calgary-14 (see docs/PPM.md for what each one bought).
    /// A list count above this halves the list (the strong variant).
    static let countLimit: UInt32 = 4000
    /// A binary context's hit count stops growing here.
    static let binaryCountLimit: UInt32 = 100
    /// Largest count a symbol new to an escaped context inherits.
    static let newSymbolCountCap: UInt32 = 4
    /// Added to the symbol's count in the suffix of the coding context.
    static let suffixBoost: UInt32 = 1
    /// Cap on a binary context's count when it becomes a list (scaled x2).
    static let binaryToListCap: UInt32 = 110
    /// Cap on the count a new context inherits from a binary suffix.
    static let binaryInheritCap: UInt32 = 60

    static let rawFlag: UInt32 = 1 << 31
    /// Symbol-list capacities by size class.
    static let classCapacities: [UInt32] = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256]
    /// Words reserved at the start of the pool (index 0 must stay unused).
    static let reservedWords: UInt32 = 16
    /// The smallest pool that holds a fresh model with room to learn.
    public static let minimumPoolWords = 1 << 16

    let pool: UnsafeMutablePointer<UInt32>
    let poolWords: UInt32
    var top: UInt32 = 0
    /// Free-list heads, capacities, and the class of each list length 0...256.
    let freeHeads: UnsafeMutablePointer<UInt32>
    let capacityOfClass: UnsafeMutablePointer<UInt32>
    let classOfCount: UnsafeMutablePointer<UInt8>
    /// Exclusion: symbol s is excluded while coding the current symbol iff
    /// excludedStamp[s] == stamp (no clearing between symbols).
    let excludedStamp: UnsafeMutablePointer<UInt32>
    var stamp: UInt32 = 0
    /// Contexts escaped from while coding the current symbol, highest order first.
    let escaped: UnsafeMutablePointer<UInt32>
    var escapedCount = 0
    /// Work stack of (context, state) pairs for building successor contexts.
    let chain: UnsafeMutablePointer<UInt32>
    let text: UnsafePointer<UInt8>
    let maxOrder: UInt32
    let variant: PPMVariant
    var root: UInt32 = 0
    /// The longest context of the current position: coding starts here.
    var current: UInt32 = 0
    /// Binary (one-symbol) contexts: P(the symbol), by count, order, suffix size.
    let binaries: PPMProbabilityTable
    /// The quantizers of the adaptive tables' contexts (`fillBuckets`).
    let buckets: UnsafeMutablePointer<Int8>
    /// Secondary escape estimation for contexts with several symbols.
    let escapes: PPMProbabilityTable
    /// P(the first-listed, most frequent symbol) in contexts coded unmasked.
    let firsts: PPMProbabilityTable
    var lastBinaryHit: Int = 0
    /// Binary-context hits in a row (a context for the binary table).
    var binaryRun = 0
    /// How many times the pool filled: restarts, or 1 once the model froze.
    var restarts = 0
    /// (context, state of the current symbol in it) when `update` already
    /// searched the coding context's suffix for the symbol; (0, 0) otherwise.
    var suffixHint: (UInt32, UInt32) = (0, 0)
    /// What to do when an allocation fails.
    let policy: PPMPoolPolicy

    static let binaryTableSize = 32 * 8 * 4 * 2 * 2 * 4 * 4
    static let firstTableSize = 33 * 8 * 2 * 2
    static let escapeTableSize = 8 * 8 * 4 * 3 * 2 * 2

    init(order: Int, poolWords: Int, variant: PPMVariant, policy: PPMPoolPolicy, text: UnsafePointer<UInt8>) {
        maxOrder = UInt32(Swift.min(Swift.max(order, 1), 16))
        self.policy = policy
        self.poolWords = UInt32(Swift.min(Swift.max(poolWords, PPMModel.minimumPoolWords), 1 << 30))
        self.variant = variant
        self.text = text
        pool = .allocate(capacity: Int(self.poolWords))
        freeHeads = .allocate(capacity: 16)
        capacityOfClass = .allocate(capacity: 16)
        classOfCount = .allocate(capacity: 257)
        for k in 0..<16 { capacityOfClass[k] = PPMModel.classCapacities[k] }
        var k = 0
        for n in 0...256 {
            while PPMModel.classCapacities[k] < UInt32(Swift.max(n, 1)) { k += 1 }
            classOfCount[n] = UInt8(k)
        }
        buckets = .allocate(capacity: PPMModel.bucketCount)
        PPMModel.fillBuckets(buckets)
        excludedStamp = .allocate(capacity: 256)
        excludedStamp.initialize(repeating: 0, count: 256)
        escaped = .allocate(capacity: 40)
        chain = .allocate(capacity: 80)
        binaries = PPMProbabilityTable(count: PPMModel.binaryTableSize, limit: 127)
        escapes = PPMProbabilityTable(count: PPMModel.escapeTableSize, limit: 60)
        firsts = PPMProbabilityTable(count: PPMModel.firstTableSize, limit: 127)
        restart()
        restarts = 0
    }

    deinit {
        pool.deallocate()
        freeHeads.deallocate()
        capacityOfClass.deallocate()
        classOfCount.deallocate()
        excludedStamp.deallocate()
        buckets.deallocate()
        escaped.deallocate()
        chain.deallocate()
    }

    /// Empties the pool and builds the order-0 context holding all 256 symbols.
    mutating func restart() {
        restarts += 1
        top = PPMModel.reservedWords
        for k in 0..<16 { freeHeads[k] = 0 }
        root = top
        let list = root + 4
        top = list + 512
        pool[Int(root)] = 256
        pool[Int(root) + 1] = 256
        pool[Int(root) + 2] = list
        pool[Int(root) + 3] = 0
        for s in 0..<256 {
            pool[Int(list) + 2 * s] = UInt32(s) | 1 << 8
            pool[Int(list) + 2 * s + 1] = 0
        }
        current = root
    }

    // MARK: - Pool

    /// Notes that the frozen pool refused an allocation and returns `partial`.
    @inline(__always)
    mutating func poolFull(partial: UInt32) -> UInt32 {
        if restarts == 0 { restarts = 1 }
        return partial
    }

    @inline(__always) func numStats(_ c: UInt32) -> UInt32 { pool[Int(c)] & 0x1FF }
    @inline(__always) func order(_ c: UInt32) -> UInt32 { (pool[Int(c)] >> 9) & 0x1F }
    /// A one-symbol context keeps its state inline in words 1-2 (one cache
    /// line fewer on the hot path, and no list); its sum is that state's count.
    @inline(__always) func summ(_ c: UInt32) -> UInt32 {
        numStats(c) == 1 ? pool[Int(c) + 1] >> 8 : pool[Int(c) + 1]
    }
    @inline(__always) func list(_ c: UInt32) -> UInt32 {
        // Both words are read (word 2 is inside the node either way), so this is a select, not a branch.
        let w = pool[Int(c) + 2]
        return numStats(c) == 1 ? c + 1 : w
    }
    @inline(__always) func suffix(_ c: UInt32) -> UInt32 { pool[Int(c) + 3] }
    /// Asks for the cache line of word `i` ahead of use: the model is a chain
    /// of dependent misses (node, list, suffix), and a hint lets them overlap.
    @inline(__always) func prefetch(_ i: UInt32) { squeeze_prefetch(pool + Int(i)) }

    @inline(__always)
    mutating func allocate(words n: UInt32) -> UInt32 {
        guard poolWords - top >= n else { return 0 }
        let r = top
        top += n
        return r
    }

    @inline(__always)
    mutating func allocateList(sizeClass k: Int) -> UInt32 {
        let head = freeHeads[k]
        if head != 0 {
            freeHeads[k] = pool[Int(head)]
            return head
        }
        return allocate(words: 2 * capacityOfClass[k])
    }

    /// The state of symbol `x` in context `c`, or 0.
    @inline(__always)
    func find(_ c: UInt32, _ x: UInt32) -> UInt32 {
        var s = list(c)
        let end = s + 2 * numStats(c)
        while s < end {
            if pool[Int(s)] & 0xFF == x { return s }
            s += 2
        }
        return 0
    }

    /// Appends a state to `c`'s list; false when the pool is full.
    mutating func addState(_ c: UInt32, symbol x: UInt32, count f: UInt32, successor: UInt32) -> Bool {
        let ci = Int(c)
        let ns = numStats(c)
        var l = list(c)
        let k = Int(classOfCount[Int(ns)])
        if ns == 1 {
            // Move the inline state out to a list of two.
            let n = allocateList(sizeClass: Int(classOfCount[2]))
            if n == 0 { return false }
            pool[Int(n)] = pool[ci + 1]
            pool[Int(n) + 1] = pool[ci + 2]
            pool[ci + 1] = pool[ci + 1] >> 8
            pool[ci + 2] = n
            l = n
        } else if ns == capacityOfClass[k] {
            let n = allocateList(sizeClass: Int(classOfCount[Int(ns) + 1]))
            if n == 0 { return false }
            (pool + Int(n)).update(from: pool + Int(l), count: Int(2 * ns))
            pool[Int(l)] = freeHeads[k]
            freeHeads[k] = l
            l = n
            pool[ci + 2] = n
        }
        let s = Int(l + 2 * ns)
        pool[s] = x | f << 8
        pool[s + 1] = successor
        pool[ci] += 1
        pool[ci + 1] += f
        return true
    }

    /// Halves every count in `c` (keeping each at least 1).
    mutating func rescale(_ c: UInt32) {
        if numStats(c) == 1 {
            let w = pool[Int(c) + 1]
            pool[Int(c) + 1] = w & 0xFF | (((w >> 8) + 1) >> 1) << 8
            return
        }
        var s = Int(list(c))
        let end = s + 2 * Int(numStats(c))
        var total: UInt32 = 0
        while s < end {
            let w = pool[s]
            let f = ((w >> 8) + 1) >> 1
            pool[s] = w & 0xFF | f << 8
            total += f
            s += 2
        }
        pool[Int(c) + 1] = total
    }

    // MARK: - Growth

    /// The count a new context's only symbol starts with, inherited from the
    /// symbol's standing in the new context's suffix `base` (Shkarin 2002's
    /// "information inheritance"); 1 for the classic variants.
    func inheritedCount(base: UInt32, symbol y: UInt32) -> UInt32 {
        guard variant == .strong else { return 1 }
        let ns = numStats(base)
        if ns == 1 { return Swift.min(pool[Int(list(base))] >> 8, PPMModel.binaryInheritCap) }
        let s = find(base, y)
        if s == 0 { return 1 }
        let cf = (pool[Int(s)] >> 8) &- 1
        let rest = Swift.max(summ(base) &- cf &- ns, 1)
        return Swift.min(1 + (cf + rest / 2) / (2 * rest), 60)
    }

    /// The context "c followed by the symbol of state s", building it and any
    /// missing shorter ones down the suffix chain; 0 when the pool is full.
    /// `position` is the index of the symbol being coded (text up to it is known).
    mutating func successor(of c0: UInt32, state s0: UInt32, symbol x: UInt32, position: Int) -> UInt32 {
        var n = 0
        var c = c0
        var s = s0
        var base: UInt32
        while true {
            let succ = pool[Int(s) + 1]
            if succ & PPMModel.rawFlag == 0 {
                if succ == 0 { return 0 }
                base = succ
                break
            }
            chain[2 * n] = c
            chain[2 * n + 1] = s
            n += 1
            let up = suffix(c)
            if up == 0 { base = c; break }
            c = up
            s = find(c, x)
            if n == 1 { suffixHint = (c, s) }
            if s == 0 || n >= 34 { return 0 }
        }
        while n > 0 {
            n -= 1
            let pc = chain[2 * n]
            let ps = Int(chain[2 * n + 1])
            let p = Int(pool[ps + 1] & ~PPMModel.rawFlag)
            guard p <= position else { return 0 }
            let y = UInt32(text[p])
            let f = inheritedCount(base: base, symbol: y)
            let node = allocate(words: 4)
            if node == 0 {
                // Frozen: the contexts built so far are linked; `base` is the
                // longest one of the next position that exists.
                return policy == .freeze ? poolFull(partial: base) : 0
            }
            let ni = Int(node)
            pool[ni] = 1 | (order(pc) + 1) << 9
            pool[ni + 1] = y | f << 8
            pool[ni + 2] = PPMModel.rawFlag | UInt32(p + 1)
            pool[ni + 3] = base
            pool[ps + 1] = node
            base = node
        }
        return base
    }

    /// After coding symbol `x` at `position`, found in context `found` as state
    /// `fs`: update counts (update exclusion: only the context that coded the
    /// symbol), add the symbol to every context escaped from, and move to the
    /// next position's context.
    @inline(__always)
    mutating func update(symbol x: UInt32, found: UInt32, state fs: UInt32, position: Int) {
        let fi = Int(fs)
        let foundCount = pool[fi] >> 8
        let foundSumm = summ(found)
        let foundStats = numStats(found)
        prevHigh = x >= 0x40 ? 1 : 0
        suffixHint = (0, 0)
        // 1. The next context.
        var next: UInt32
        let succ = pool[fi + 1]
        if succ != 0 && succ & PPMModel.rawFlag == 0 {
            next = succ
            prefetch(next)
        } else if order(found) < maxOrder {
            if succ == 0 {
                // Only the root's initial symbols have no successor yet.
                pool[fi + 1] = PPMModel.rawFlag | UInt32(position + 1)
                next = found == root ? root : 0
            } else {
                next = successor(of: found, state: fs, symbol: x, position: position)
            }
        } else {
            let up = suffix(found)
            let s2 = up == 0 ? 0 : find(up, x)
            next = s2 == 0 ? 0 : successor(of: up, state: s2, symbol: x, position: position)
            suffixHint = (up, s2)
            // Only a context of the maximum order may follow one (a frozen pool can give a shorter one).
            if next != 0 && (policy == .restart || order(next) == maxOrder) { pool[fi + 1] = next }
        }
        if next == 0 {
            guard policy == .freeze else { restart(); return }
            next = poolFull(partial: root)
        }
        // 2. Count the symbol where it was coded.
        let inc = variant.increment
        if variant == .strong && foundStats == 1 {
            if foundCount < PPMModel.binaryCountLimit {
                pool[fi] += 1 << 8
            }
        } else {
            pool[fi] += inc << 8
            if foundStats != 1 { pool[Int(found) + 1] += inc }
            let limit: UInt32 = variant == .strong ? PPMModel.countLimit : 8000
            if foundCount + inc > limit || foundSumm + inc > 60000 { rescale(found) }
            // Keep lists roughly sorted by count so frequent symbols are found first.
            // Without a branch: whether to swap is a coin toss for the predictor.
            // The first state's predecessor is still inside the pool and is rewritten unchanged.
            let first = Int(list(found))
            let a = pool[fi], b = pool[fi + 1], pa = pool[fi - 2], pb = pool[fi - 1]
            let swap: UInt32 = (fi > first ? 1 : 0) & (pa >> 8 < a >> 8 ? 1 : 0)
            let m = 0 &- swap
            pool[fi] = pa & m | a & ~m
            pool[fi + 1] = pb & m | b & ~m
            pool[fi - 2] = a & m | pa & ~m
            pool[fi - 1] = b & m | pb & ~m
        }
        if variant == .strong {
            let up = suffix(found)
            if up != 0 && numStats(up) > 1 {
                // Building the next context may have looked x up there already.
                let s2 = suffixHint.0 == up ? suffixHint.1 : find(up, x)
                if s2 != 0 {
                    pool[Int(s2)] += PPMModel.suffixBoost << 8
                    pool[Int(up) + 1] += PPMModel.suffixBoost
                    // Same bounds as a coded update, so counts and sums stay small.
                    if pool[Int(s2)] >> 8 > PPMModel.countLimit || pool[Int(up) + 1] > 60000 { rescale(up) }
                }
            }
        }
        // 3. Add the symbol to the contexts that escaped.
        let raw = PPMModel.rawFlag | UInt32(position + 1)
        var j = 0
        while j < escapedCount {
            let c = escaped[j]
            j += 1
            var f: UInt32 = 1
            var kept: (Int, UInt32) = (0, 0)
            if variant == .strong {
                if numStats(c) == 1 {
                    // A binary context's count is a hit count; scale it to list units.
                    let s = Int(list(c))
                    kept = (s, pool[s])
                    let old = Swift.min((pool[s] >> 8) * 2, PPMModel.binaryToListCap)
                    pool[s] = pool[s] & 0xFF | old << 8
                }
                let cs = summ(c)
                let num = foundCount
                let den = foundStats == 1 ? foundCount + 1 : foundSumm
                f = Swift.min(1 + (3 * num * (cs + 4)) / (2 * (den + cs)), PPMModel.newSymbolCountCap)
            }
            let added = variant == .b ? addOrCount(c, symbol: x, successor: raw) : addState(c, symbol: x, count: f, successor: raw)
            if !added {
                guard policy == .freeze else { restart(); return }
                // Frozen: the context stays as it was, without the symbol.
                if kept.0 != 0 { pool[kept.0] = kept.1 }
                _ = poolFull(partial: 0)
            }
        }
        current = next
        // The next symbol starts with this node's list and its suffix.
        let listWord = pool[Int(next) + 2]
        let nextList = numStats(next) == 1 ? next : listWord
        prefetch(nextList)
        prefetch(suffix(next))
    }

    // MARK: - Strong-variant contexts for the adaptive tables

    @inline(__always)
    func binaryIndex(_ c: UInt32, count f: UInt32, symbol: UInt32, masked: Bool) -> Int {
        let hb = prevHigh * 2 + (symbol >= 0x40 ? 1 : 0)
        let fb = f < 256 ? Int(buckets[PPMModel.countBuckets + Int(f)]) : 31
        let ob = Int(buckets[PPMModel.binaryOrderBuckets + Int(order(c))])
        let up = suffix(c)
        let uns = up == 0 ? 0 : numStats(up)
        let sb = Int(buckets[PPMModel.suffixBuckets + Int(uns)])
        let rb = Swift.min(binaryRun, 2) + (binaryRun >= 5 ? 1 : 0)
        return (((((fb * 8 + ob) * 4 + sb) * 2 + (masked ? 1 : 0)) * 2 + lastBinaryHit) * 4 + hb) * 4 + rb
    }

    @inline(__always)
    func escapeIndex(_ c: UInt32, stats ns: UInt32, unmasked nm: UInt32, total: UInt32, masked: Bool) -> Int {
        let nmb = Int(buckets[PPMModel.symbolBuckets + Int(nm)])
        let avg = total / Swift.max(nm, 1)
        // 0 below 2, then ⌊log2 avg⌋ up to 7.
        let ab = Swift.min(31 - (avg | 1).leadingZeroBitCount, 7)
        let ob = Int(buckets[PPMModel.escapeOrderBuckets + Int(order(c))])
        let mb = masked ? (ns - nm <= 2 ? 1 : 2) : 0
        return (((((nmb * 8 + ab) * 4 + ob) * 3 + mb) * 2) + lastBinaryHit) * 2 + prevHigh
    }

    @inline(__always)
    func firstIndex(count f0: UInt32, total: UInt32, unmasked nm: UInt32) -> Int {
        let q = Int((f0 * 32) / Swift.max(total, 1))
        let nmb = Int(buckets[PPMModel.symbolBuckets + Int(nm)])
        return ((Swift.min(q, 32) * 8 + nmb) * 2 + prevHigh) * 2 + lastBinaryHit
    }

    /// Offsets in `buckets`: the table contexts' quantizers as lookups (chains
    /// of comparisons compile to branches the predictor keeps missing).
    static let symbolBuckets = 0, suffixBuckets = 512, countBuckets = 1024, binaryOrderBuckets = 1280,
               escapeOrderBuckets = 1312, bucketCount = 1344

    /// Fills `buckets` with the quantizers the table contexts were tuned with.
    static func fillBuckets(_ b: UnsafeMutablePointer<Int8>) {
        for n in 0..<512 {
            // Unmasked symbols: 1…4 on their own, then 5-6, 7-10, 11-24, 25+.
            b[symbolBuckets + n] = Int8(n <= 4 ? n - 1 : n <= 6 ? 4 : n <= 10 ? 5 : n <= 24 ? 6 : 7)
            // The suffix's symbols: 0-1, 2, 3-6, 7+.
            b[suffixBuckets + n] = Int8(n <= 1 ? 0 : n == 2 ? 1 : n <= 6 ? 2 : 3)
        }
        for f in 0..<256 {
            // A binary context's count: 1…16 on their own, then steps of 8 up to 31.
            b[countBuckets + f] = Int8(f <= 16 ? f - 1 : 16 + Swift.min((f - 16) >> 3, 15))
        }
        for o in 0..<32 {
            b[binaryOrderBuckets + o] = Int8(Swift.max(o <= 4 ? o - 1 : o <= 6 ? 4 : o <= 9 ? 5 : o <= 13 ? 6 : 7, 0))
            b[escapeOrderBuckets + o] = Int8(o <= 1 ? 0 : o == 2 ? 1 : o <= 4 ? 2 : 3)
        }
    }

    @inline(__always)
    func escapeCount(unmasked nm: UInt32) -> UInt32 {
        variant == .a ? 1 : nm
    }

    // MARK: - Coding

    /// Codes `x`, the byte at `position` of the text.
    mutating func encode(_ x: UInt32, position: Int, _ enc: inout RangeEncoder) {
        stamp &+= 1
        if stamp == 0 { excludedStamp.update(repeating: 0, count: 256); stamp = 1 }
        escapedCount = 0
        var c = current
        var masked = false
        // One exit, so `update` is inlined once: (context, state) that coded x.
        var found: UInt32 = 0, state: UInt32 = 0
        search: while true {
            let ns = numStats(c)
            let w2 = pool[Int(c) + 2]
            let l = ns == 1 ? c + 1 : w2
            if variant == .strong && ns == 1 {
                let w = pool[Int(l)]
                let sym = w & 0xFF
                if masked && excludedStamp[Int(sym)] == stamp {
                    escaped[escapedCount] = c; escapedCount += 1
                    c = suffix(c)
                    continue
                }
                let idx = binaryIndex(c, count: w >> 8, symbol: sym, masked: masked)
                if binaries.isFresh(idx) {
                    let f = w >> 8
                    binaries.seed(idx, probability16: ((2 * f + 1) << 16) / (2 * f + 3))
                }
                let hit = sym == x
                enc.encodeBit(hit, probabilityOfOne: binaries.probability(idx))
                binaries.update(idx, bit: hit)
                if hit {
                    lastBinaryHit = 1; binaryRun += 1
                    found = c; state = l
                    break search
                }
                lastBinaryHit = 0; binaryRun = 0
                excludedStamp[Int(sym)] = stamp
                escaped[escapedCount] = c; escapedCount += 1
                c = suffix(c)
                masked = true
                continue
            }
            if variant == .b && c != root {
                let fs = encodeMethodB(x, context: c, list: l, stats: ns, &enc)
                if fs != 0 {
                    found = c; state = fs
                    break search
                }
                escaped[escapedCount] = c; escapedCount += 1
                c = suffix(c)
                masked = true
                continue
            }
            var cum: UInt32 = 0, fx: UInt32 = 0, total: UInt32 = 0, nm: UInt32 = 0, fs: UInt32 = 0
            var s = l
            let end = l + 2 * ns
            if !masked {
                total = summ(c)
                nm = ns
                while s < end {
                    let w = pool[Int(s)]
                    if w & 0xFF == x { fs = s; fx = w >> 8; break }
                    cum += w >> 8
                    s += 2
                }
            } else {
                // Without branches on the exclusion (it is a coin toss per
                // state). x itself is never excluded: a context that held it
                // would have coded it instead of escaping.
                let st = stamp
                while s < end {
                    let w = pool[Int(s)]
                    let sym = w & 0xFF
                    let kept: UInt32 = excludedStamp[Int(sym)] != st ? 1 : 0
                    let hit = sym == x
                    fs = hit ? s : fs
                    cum = hit ? total : cum
                    total &+= (w >> 8) & (0 &- kept)
                    nm &+= kept
                    s &+= 2
                }
                fx = fs == 0 ? 0 : pool[Int(fs)] >> 8
            }
            if nm == 0 {
                escaped[escapedCount] = c; escapedCount += 1
                c = suffix(c)
                continue
            }
            if variant == .strong {
                if ns < 256 {
                    let idx = escapeIndex(c, stats: ns, unmasked: nm, total: total, masked: masked)
                    if escapes.isFresh(idx) { escapes.seed(idx, probability16: (nm << 17) / (2 * nm + total)) }
                    let esc = fs == 0
                    enc.encodeBit(esc, probabilityOfOne: escapes.probability(idx))
                    escapes.update(idx, bit: esc)
                }
                if fs != 0 {
                    if nm > 1 && !masked {
                        let f0 = pool[Int(l)] >> 8
                        let idx = firstIndex(count: f0, total: total, unmasked: nm)
                        if firsts.isFresh(idx) { firsts.seed(idx, probability16: (f0 << 16) / total) }
                        let first = fs == l
                        enc.encodeBit(first, probabilityOfOne: firsts.probability(idx))
                        firsts.update(idx, bit: first)
                        if !first { enc.encode(cumulative: cum - f0, frequency: fx, total: total - f0) }
                    } else if nm > 1 { enc.encode(cumulative: cum, frequency: fx, total: total) }
                    lastBinaryHit = 0; binaryRun = 0
                    found = c; state = fs
                    break search
                }
            } else {
                let e = ns < 256 ? escapeCount(unmasked: nm) : 0
                if fs != 0 {
                    enc.encode(cumulative: cum, frequency: fx, total: total + e)
                    found = c; state = fs
                    break search
                }
                enc.encode(cumulative: total, frequency: e, total: total + e)
            }
            s = l
            while s < end {
                excludedStamp[Int(pool[Int(s)] & 0xFF)] = stamp
                s += 2
            }
            escaped[escapedCount] = c; escapedCount += 1
            c = suffix(c)
            masked = true
        }
        update(symbol: x, found: found, state: state, position: position)
    }

    /// Decodes the byte at `position`, stores it at `output[position]` (the
    /// memory `text` reads, so the update below sees it) and returns it.
    mutating func decode(position: Int, into output: UnsafeMutablePointer<UInt8>,
                         _ dec: inout RangeDecoder) throws(CodecError) -> UInt8 {
        stamp &+= 1
        if stamp == 0 { excludedStamp.update(repeating: 0, count: 256); stamp = 1 }
        escapedCount = 0
        var c = current
        var masked = false
        var found: UInt32 = 0, state: UInt32 = 0, symbol: UInt32 = 0
        search: while true {
            guard c != 0, escapedCount < 34 else { throw .corrupt("PPM escape past the order-0 context at byte \(position)") }
            let ns = numStats(c)
            let w2 = pool[Int(c) + 2]
            let l = ns == 1 ? c + 1 : w2
            if variant == .strong && ns == 1 {
                let w = pool[Int(l)]
                let sym = w & 0xFF
                if masked && excludedStamp[Int(sym)] == stamp {
                    escaped[escapedCount] = c; escapedCount += 1
                    c = suffix(c)
                    continue
                }
                let idx = binaryIndex(c, count: w >> 8, symbol: sym, masked: masked)
                if binaries.isFresh(idx) {
                    let f = w >> 8
                    binaries.seed(idx, probability16: ((2 * f + 1) << 16) / (2 * f + 3))
                }
                let hit = dec.decodeBit(probabilityOfOne: binaries.probability(idx))
                binaries.update(idx, bit: hit)
                if hit {
                    lastBinaryHit = 1; binaryRun += 1
                    found = c; state = l; symbol = sym
                    break search
                }
                lastBinaryHit = 0; binaryRun = 0
                excludedStamp[Int(sym)] = stamp
                escaped[escapedCount] = c; escapedCount += 1
                c = suffix(c)
                masked = true
                continue
            }
            if variant == .b && c != root {
                let fs = try decodeMethodB(context: c, list: l, stats: ns, position: position, &dec)
                if fs != 0 {
                    let sym = pool[Int(fs)] & 0xFF
                    found = c; state = fs; symbol = sym
                    break search
                }
                escaped[escapedCount] = c; escapedCount += 1
                c = suffix(c)
                masked = true
                continue
            }
            var total: UInt32 = 0, nm: UInt32 = 0
            let end = l + 2 * ns
            if !masked {
                total = summ(c)
                nm = ns
            } else {
                var s = l
                let st = stamp
                while s < end {
                    let w = pool[Int(s)]
                    let kept: UInt32 = excludedStamp[Int(w & 0xFF)] != st ? 1 : 0
                    total &+= (w >> 8) & (0 &- kept)
                    nm &+= kept
                    s &+= 2
                }
            }
            if nm == 0 {
                escaped[escapedCount] = c; escapedCount += 1
                c = suffix(c)
                continue
            }
            var escape: Bool
            var target: UInt32 = 0
            var rest: UInt32 = 0
            var codedTotal = total
            if variant == .strong {
                escape = false
                if ns < 256 {
                    let idx = escapeIndex(c, stats: ns, unmasked: nm, total: total, masked: masked)
                    if escapes.isFresh(idx) { escapes.seed(idx, probability16: (nm << 17) / (2 * nm + total)) }
                    escape = dec.decodeBit(probabilityOfOne: escapes.probability(idx))
                    escapes.update(idx, bit: escape)
                }
                if !escape && nm > 1 && !masked {
                    let f0 = pool[Int(l)] >> 8
                    let idx = firstIndex(count: f0, total: total, unmasked: nm)
                    if firsts.isFresh(idx) { firsts.seed(idx, probability16: (f0 << 16) / total) }
                    let first = dec.decodeBit(probabilityOfOne: firsts.probability(idx))
                    firsts.update(idx, bit: first)
                    if first {
                        let sym = pool[Int(l)] & 0xFF
                        lastBinaryHit = 0; binaryRun = 0
                        found = c; state = l; symbol = sym
                        break search
                    }
                    rest = f0
                    target = try dec.decodeTarget(total: total - f0)
                } else if !escape && nm > 1 { target = try dec.decodeTarget(total: total) }
            } else {
                let e = ns < 256 ? escapeCount(unmasked: nm) : 0
                codedTotal = total + e
                target = try dec.decodeTarget(total: codedTotal)
                escape = target >= total
                if escape { dec.consume(cumulative: total, frequency: e) }
            }
            if !escape {
                // Find the symbol whose interval holds target (or the only one left).
                var s = rest == 0 ? l : l + 2
                var cum: UInt32 = 0
                if !masked {
                    while s < end {
                        let f = pool[Int(s)] >> 8
                        if target < cum &+ f { break }
                        cum &+= f
                        s &+= 2
                    }
                } else {
                    // An excluded state counts 0, so the search passes over it (target ≥ cum).
                    let st = stamp
                    while s < end {
                        let w = pool[Int(s)]
                        let f = (w >> 8) & (excludedStamp[Int(w & 0xFF)] != st ? ~0 : 0)
                        if target < cum &+ f { break }
                        cum &+= f
                        s &+= 2
                    }
                }
                guard s < end else { throw .corrupt("PPM symbol outside the context's counts at byte \(position)") }
                let w = pool[Int(s)]
                if variant != .strong || nm > 1 { dec.consume(cumulative: cum, frequency: w >> 8) }
                let sym = w & 0xFF
                if variant == .strong { lastBinaryHit = 0; binaryRun = 0 }
                found = c; state = s; symbol = sym
                break search
            }
            var s = l
            while s < end {
                excludedStamp[Int(pool[Int(s)] & 0xFF)] = stamp
                s += 2
            }
            escaped[escapedCount] = c; escapedCount += 1
            c = suffix(c)
            masked = true
        }
        output[position] = UInt8(truncatingIfNeeded: symbol)
        update(symbol: symbol, found: found, state: state, position: position)
        return UInt8(truncatingIfNeeded: symbol)
    }
}
