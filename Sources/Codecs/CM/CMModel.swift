import Transforms
internal import CPrefetch
#if CM_TUNING && canImport(Glibc)
import Glibc
#endif

/// The bitwise context-mixing model of `cm`: every byte is coded as eight
/// binary decisions, most significant bit first, each predicted by
///
/// - direct order-0 and order-1 tables and hashed contexts (orders 2…8, words,
///   sparse pairs), each holding a bit history (`CMBitHistory`) per context
///   and bit position, turned into a probability by an adaptive map per
///   context kind. The hashed tables are looked up once per nibble: a 16-byte
///   slot holds a check byte and the 15 histories of one nibble's bit tree
///   (the nibble slot is lpaq1's idea, Mahoney 2007); three neighbouring slots
///   are searched and the one that has seen least is replaced;
/// - a match model: the last few bytes hashed into a table of positions, the
///   longest verified repeat predicts its next bit with a confidence learned
///   per match length (Mahoney's PAQ match model; cf. also LZP, Bloom 1996);
/// - a gated logistic mixer (weights chosen by the match state and the bits
///   of the byte so far) and at the higher levels a second one chosen by the
///   previous byte, trained online on coding cost (Mahoney, "Adaptive
///   weighing of context models for lossless data compression", 2005);
/// - two or three secondary estimation stages (adaptive maps of the mixed
///   probability in 33 interpolated steps, per small context; SSE as in
///   PAQ and Shkarin's PPMd).
///
/// Every decision goes through integers only: the logistic tables are
/// `LogisticTables` (built without libm), so the stream is the same on every
/// platform. One model is one struct of pointers into tables allocated at
/// start and freed in `deinit`; nothing is allocated per bit.
struct CMModel: ~Copyable {
    static let maxInputs = 32

    let config: CMConfiguration
    let history: CMBitHistory
    let stretchTable: UnsafeMutablePointer<Int32>
    let squashTable: UnsafeMutablePointer<Int32>
    let rates: UnsafeMutablePointer<Int32>

    /// Number of hashed contexts.
    let contextCount: Int
    /// Context kinds as small integers (see `kindCode`), for the per-byte switch.
    let kinds: UnsafeMutablePointer<Int>
    /// Hashed context tables (slots of 16 bytes), one after another in one allocation.
    let tables: UnsafeMutablePointer<UInt8>
    let tableBytes: Int
    let slotBits: Int
    /// Per context: its hash for the current byte, and its current nibble slot.
    let contextHash: UnsafeMutablePointer<UInt64>
    let slots: UnsafeMutablePointer<UnsafeMutablePointer<UInt8>>
    /// Direct bit histories: order 0 by partial byte, order 1 by previous byte and partial byte.
    let order0: UnsafeMutablePointer<UInt8>
    let order1: UnsafeMutablePointer<UInt8>
    /// Adaptive maps from bit history to probability, 256 per input (22-bit p, 10-bit count).
    let stateMaps: UnsafeMutablePointer<UInt32>
    /// The history each input read this bit, for the update.
    let current: UnsafeMutablePointer<UnsafeMutablePointer<UInt8>>
    /// Match model: positions by hash, and a map from (length bucket, expected bit) to probability.
    let matchTable: UnsafeMutablePointer<UInt32>
    let matchBits: Int
    let matchMap: UnsafeMutablePointer<UInt32>
    /// Mixer inputs and weights (16.16 fixed point).
    let inputs: UnsafeMutablePointer<Int32>
    let inputCount: Int
    let weights1: UnsafeMutablePointer<Int32>
    let weights2: UnsafeMutablePointer<Int32>
    /// The final mixer of the two mixers' outputs (levels with two mixers), by partial byte.
    let weightsFinal: UnsafeMutablePointer<Int32>
    /// A third mixer (level 9) chosen by how many inputs have seen their context, and the bit position.
    let weights3: UnsafeMutablePointer<Int32>
    var mixerSet3 = 0
    var dot3 = 0
    /// Secondary estimation tables, 33 steps per context.
    let apm1: UnsafeMutablePointer<UInt16>
    let apm2: UnsafeMutablePointer<UInt16>
    let apm3: UnsafeMutablePointer<UInt16>

    // Per-byte state.
    var c0 = 1
    var c1 = 0
    var last8: UInt64 = 0
    var word0: UInt64 = 0
    var word1: UInt64 = 0
    var matchPointer = 0
    var matchLength = 0
    var bitPosition = 0
    /// The history buffer and the number of bytes in it (for the record contexts).
    var buffer: UnsafePointer<UInt8>? = nil
    var position = 0
    /// Record length: the distance at which some byte value last recurred three times in a row at equal gaps.
    var recordLength = 0
    let lastSeen: UnsafeMutablePointer<Int>
    let recordVotes: UnsafeMutablePointer<UInt32>
    /// Indirect context: per last two bytes, the bytes that followed their last occurrences.
    let followers: UnsafeMutablePointer<UInt16>
    // Per-bit state kept between predict and update.
    var matchExpected = -1
    var matchIndex = 0
    var mixerSet1 = 0
    var mixerSet2 = 0
    var dot1 = 0
    var dot2 = 0
    var apmIndex1 = 0
    var apmIndex2 = 0
    var apmIndex3 = 0
    var apmWeight = 0
    var pMix = 0
    // Tuning knobs (temporary).
    /// Learning rates, part of the format (tuned on Calgary-14, docs/CM.md):
    /// mixer 1's error multiplier (40 beside other mixers, 12 alone), mixers 2
    /// and 3's, the final mixer's, and the shift that scales every weight step;
    /// the state maps' count limit (rate floor 1/1024.5); the SSE step shift (1/64 at full weight).
    var mixerRate1 = 40
    var mixerRate2 = 16
    var finalRate = 6
    var weightShift = 15
    var mapLimit = 1023
    var apmShift = 12
    #if CM_TUNING
    var skipSSE = false
    #endif
    var dotF = 0
    var finalSet = 0

    /// `slotBitsCap`: the context tables at most 2^cap slots each (`--mem`).
    init(level: Int, blockSize n: Int, slotBitsCap: Int? = nil) throws(CodecError) {
        var config = CMConfiguration.level(level)
        if let cap = slotBitsCap { config = config.capped(slotBits: cap) }
        #if CM_TUNING
        // Ablation for docs/CM.md: CMA is a mask of parts to leave out.
        if let e = getenv("CMA"), let mask = Int(String(cString: e)) {
            if mask & 1 != 0 { config.matchMinLength = 0 }
            config.contexts.removeAll { k in
                switch k {
                case .word, .wordPair: return mask & 2 != 0
                case .sparseSkip1, .sparseSkip2, .sparseAlternate: return mask & 4 != 0
                case .recordAbove, .recordNeighbours, .recordColumn: return mask & 8 != 0
                case .indirect: return mask & 16 != 0
                case .order(let n): return (mask & 128 != 0 && n > 6) || (mask & 256 != 0 && n == 5)
                }
            }
            if mask & 64 != 0 { config.secondMixer = false; config.thirdMixer = false }
            if mask & 512 != 0 { config.thirdMixer = false }
            if mask & 1024 != 0 { config.thirdAPM = false }
            if mask & 2048 != 0 { skipSSE = true }
        }
        #endif
        self.config = config
        history = CMBitHistory()
        stretchTable = .allocate(capacity: 4096)
        squashTable = .allocate(capacity: 4096)
        for i in 0..<4096 {
            stretchTable[i] = Int32(LogisticTables.stretch16[i])
            squashTable[i] = Int32(LogisticTables.squash16[i])
        }
        rates = .allocate(capacity: 1024)
        rates.initialize(from: LogisticTables.rates, count: 1024)
        contextCount = config.contexts.count
        kinds = .allocate(capacity: Swift.max(1, contextCount))
        for (i, k) in config.contexts.enumerated() { kinds[i] = Self.kindCode(k) }
        slotBits = config.slotBits(blockSize: n)
        tableBytes = contextCount << (slotBits + 4)
        guard let t = LargeAllocation.tryAllocate(UInt8.self, count: Swift.max(16, tableBytes)) else {
            throw .limitExceeded("cm context tables of \(tableBytes) bytes: out of memory")
        }
        tables = t
        tables.initialize(repeating: 0, count: Swift.max(16, tableBytes))
        contextHash = .allocate(capacity: Swift.max(1, contextCount))
        contextHash.initialize(repeating: 0, count: Swift.max(1, contextCount))
        slots = .allocate(capacity: Swift.max(1, contextCount))
        for i in 0..<contextCount { slots[i] = tables + (i << (slotBits + 4)) }
        order0 = .allocate(capacity: 256)
        order0.initialize(repeating: 0, count: 256)
        order1 = .allocate(capacity: 65536)
        order1.initialize(repeating: 0, count: 65536)
        let maps = contextCount + 2
        stateMaps = .allocate(capacity: 256 * maps)
        for m in 0..<maps {
            for s in 0..<256 { stateMaps[256 * m + s] = UInt32(history.initial[s]) << 16 }
        }
        current = .allocate(capacity: maps)
        current.initialize(repeating: order0, count: maps)
        lastSeen = .allocate(capacity: 3 * 256)
        lastSeen.initialize(repeating: 0, count: 3 * 256)
        recordVotes = .allocate(capacity: 65536)
        recordVotes.initialize(repeating: 0, count: 65536)
        followers = .allocate(capacity: 65536)
        followers.initialize(repeating: 0, count: 65536)
        matchBits = config.matchBits(blockSize: n)
        matchTable = .allocate(capacity: 1 << matchBits)
        matchTable.initialize(repeating: 0, count: 1 << matchBits)
        matchMap = .allocate(capacity: 64 * 2)
        for i in 0..<128 { matchMap[i] = (i & 1 == 1 ? 49152 : 16384) << 16 }
        inputCount = maps + 3
        inputs = .allocate(capacity: Self.maxInputs)
        inputs.initialize(repeating: 0, count: Self.maxInputs)
        weights1 = .allocate(capacity: Self.maxInputs * 1024)
        weights1.initialize(repeating: 0, count: Self.maxInputs * 1024)
        weights2 = .allocate(capacity: Self.maxInputs * 2048)
        weights2.initialize(repeating: 0, count: Self.maxInputs * 2048)
        let w0 = Int32((1 << 16) * 3 / 10)
        // Stretched inputs start at 0.3 each, the linear ones and the bias at 0.
        for s in 0..<1024 { for i in 0..<maps { weights1[Self.maxInputs * s + i] = w0 } }
        for s in 0..<2048 { for i in 0..<maps { weights2[Self.maxInputs * s + i] = w0 } }
        weights3 = .allocate(capacity: Self.maxInputs * 256)
        weights3.initialize(repeating: 0, count: Self.maxInputs * 256)
        for s in 0..<256 { for i in 0..<maps { weights3[Self.maxInputs * s + i] = w0 } }
        weightsFinal = .allocate(capacity: 4 * 256)
        for c in 0..<256 {
            let share = Int32(config.thirdMixer ? (1 << 16) / 3 : 1 << 15)
            weightsFinal[4 * c] = share
            weightsFinal[4 * c + 1] = share
            weightsFinal[4 * c + 2] = 0
            weightsFinal[4 * c + 3] = config.thirdMixer ? share : 0
        }
        apm1 = .allocate(capacity: 33 * 256)
        apm2 = .allocate(capacity: 33 * 65536)
        apm3 = .allocate(capacity: 33 * 65536)
        for j in 0..<33 { apm1[j] = LogisticTables.squash16((j - 16) * 128) }
        for c in 1..<256 { (apm1 + 33 * c).update(from: apm1, count: 33) }
        for c in 0..<65536 { (apm2 + 33 * c).update(from: apm1, count: 33) }
        if config.thirdAPM { for c in 0..<65536 { (apm3 + 33 * c).update(from: apm1, count: 33) } }
        mixerRate1 = config.secondMixer ? 40 : 12
        #if CM_TUNING
        // Experiments only (a private build flag): never in a release, where these decide the format.
        if let e = getenv("CMT") {
            let v = String(cString: e).split(separator: ",").map { Int($0) ?? 0 }
            if v.count > 0 { mixerRate1 = v[0] }
            if v.count > 1 { weightShift = v[1] }
            if v.count > 2 { mapLimit = v[2] }
            if v.count > 3 { apmShift = v[3] }
            if v.count > 4 { mixerRate2 = v[4] }
            if v.count > 5 { finalRate = v[5] }
        }
        #endif
        startByte()
    }

    deinit {
        stretchTable.deallocate()
        squashTable.deallocate()
        rates.deallocate()
        kinds.deallocate()
        LargeAllocation.deallocate(tables, count: Swift.max(16, tableBytes))
        contextHash.deallocate()
        slots.deallocate()
        order0.deallocate()
        order1.deallocate()
        stateMaps.deallocate()
        current.deallocate()
        matchTable.deallocate()
        lastSeen.deallocate()
        recordVotes.deallocate()
        followers.deallocate()
        matchMap.deallocate()
        inputs.deallocate()
        weights1.deallocate()
        weights2.deallocate()
        weightsFinal.deallocate()
        weights3.deallocate()
        apm1.deallocate()
        apm2.deallocate()
        apm3.deallocate()
    }

    static func kindCode(_ k: CMContextKind) -> Int {
        switch k {
        case .order(let n): return Swift.max(2, Swift.min(8, n))
        case .word: return 20
        case .wordPair: return 21
        case .sparseSkip1: return 30
        case .sparseSkip2: return 31
        case .sparseAlternate: return 32
        case .recordAbove: return 40
        case .recordNeighbours: return 41
        case .recordColumn: return 42
        case .indirect: return 50
        }
    }

    @inline(__always)
    static func hash(_ x: UInt64, _ salt: UInt64) -> UInt64 {
        var h = (x &+ salt &* 0x2545_F491_4F6C_DD1D) &* 0x9E37_79B9_7F4A_7C15
        h ^= h &>> 29
        h &*= 0xD6E8_FEB8_6659_FD93
        return h ^ (h &>> 32)
    }

    /// The slot for hash `h` in table `t`: the one whose check byte matches
    /// among three neighbours, or the neighbour that has seen least, cleared.
    @inline(__always)
    func lookup(_ t: UnsafeMutablePointer<UInt8>, _ h: UInt64) -> UnsafeMutablePointer<UInt8> {
        let check = UInt8(truncatingIfNeeded: h &>> 24)
        let i0 = Int(truncatingIfNeeded: h &>> (64 &- UInt64(slotBits)))
        var best = i0
        var bestSeen = 1000
        for j in 0..<3 {
            let i = i0 ^ j
            let s = t + (i &<< 4)
            if s[0] == check { return s }
            let seen = Int(history.total[Int(s[1])])
            if seen < bestSeen { best = i; bestSeen = seen }
        }
        let s = t + (best &<< 4)
        let raw = UnsafeMutableRawPointer(s)
        raw.storeBytes(of: 0 as UInt64, as: UInt64.self)
        raw.storeBytes(of: 0 as UInt64, toByteOffset: 8, as: UInt64.self)
        s[0] = check
        return s
    }

    /// Byte-boundary work: context hashes and the first nibble's slots.
    @inline(__always)
    mutating func startByte() {
        let h = last8
        // Bytes one and two records back, and the neighbours of the first.
        var above: UInt64 = 0, aboveLeft: UInt64 = 0, aboveRight: UInt64 = 0, above2: UInt64 = 0
        let r = recordLength
        if r > 0, let b = buffer {
            if position >= r { above = UInt64(b[position &- r]) | 0x100 }
            if position > r { aboveLeft = UInt64(b[position &- r &- 1]) }
            if position >= r, r > 1 { aboveRight = UInt64(b[position &- r &+ 1]) }
            if position >= 2 &* r { above2 = UInt64(b[position &- 2 &* r]) | 0x100 }
        }
        for i in 0..<contextCount {
            let x: UInt64
            switch kinds[i] {
            case 20: x = word0 &* 0x100 | (h & 0xFF)
            case 21: x = word0 ^ (word1 &* 0x9E37_79B9)
            case 30: x = (h &>> 8) & 0xFFFF
            case 31: x = (h &>> 16) & 0xFFFF
            case 32: x = h & 0xFF00FF
            case 50: x = UInt64(followers[Int(truncatingIfNeeded: h & 0xFFFF)]) &<< 16 | (h & 0xFFFF)
            case 40: x = above &<< 8 | (h & 0xFF) | UInt64(Swift.min(r, 0xFFFF)) &<< 20
            case 41: x = above &<< 16 | aboveLeft &<< 8 | aboveRight | UInt64(Swift.min(r, 0xFFFF)) &<< 28
            case 42: x = above &<< 12 | above2 | (h & 0xFF) &<< 24
            case let k: x = k >= 8 ? h : h & ((1 &<< UInt64(8 &* k)) &- 1)
            }
            let hx = Self.hash(x, UInt64(kinds[i]))
            contextHash[i] = hx
            // Every table is read at random: ask for all the lines first, so the misses overlap.
            squeeze_prefetch(tables + (i &<< (slotBits &+ 4)) + (Int(truncatingIfNeeded: hx &>> (64 &- UInt64(slotBits))) &<< 4))
        }
        for i in 0..<contextCount {
            slots[i] = lookup(tables + (i &<< (slotBits &+ 4)), contextHash[i])
        }
    }

    /// Updates the byte history after `byte` was coded at `position` of `buffer`
    /// (which holds every byte before it).
    @inline(__always)
    mutating func endByte(_ byte: Int, _ buffer: UnsafePointer<UInt8>, _ position: Int) {
        let previous2 = Int(truncatingIfNeeded: last8 & 0xFFFF)
        followers[previous2] = followers[previous2] &<< 8 | UInt16(byte)
        c1 = byte
        last8 = last8 &<< 8 | UInt64(byte)
        var folded = byte
        if folded >= 65 && folded <= 90 { folded += 32 }
        if folded >= 97 && folded <= 122 {
            word0 = (word0 &+ UInt64(folded)) &* 0x3FB_7A1B
        } else if word0 != 0 {
            word1 = word0
            word0 = 0
        }
        // Match model: extend the current match or look for a new one.
        let minLength = config.matchMinLength
        if minLength > 0 {
            let done = position &+ 1
            if matchLength > 0 {
                if Int(buffer[matchPointer]) == byte {
                    matchLength = Swift.min(matchLength &+ 1, 65535)
                    matchPointer &+= 1
                } else {
                    matchLength = 0
                }
            }
            if done >= minLength {
                let key = last8 & ((minLength >= 8 ? 0 : (1 &<< UInt64(8 &* minLength))) &- 1)
                let slot = Int(truncatingIfNeeded: Self.hash(key, 99) &>> (64 &- UInt64(matchBits)))
                if matchLength == 0 {
                    let candidate = Int(matchTable[slot])
                    if candidate > 0 {
                        var l = 0
                        while l < candidate && l < 65535 && buffer[candidate &- 1 &- l] == buffer[done &- 1 &- l] { l &+= 1 }
                        if l >= minLength {
                            matchLength = l
                            matchPointer = candidate
                        }
                    }
                }
                matchTable[slot] = UInt32(truncatingIfNeeded: done)
            }
        }
        // Record length: three equal gaps in a row between occurrences of one byte value.
        let done = position &+ 1
        let gap = done &- lastSeen[byte]
        // Each such gap scores a vote; the record length changes only to a gap
        // with clearly more votes, so multiples and chance repeats do not flip it.
        if gap >= 2, gap < 65536, gap == lastSeen[256 &+ byte], gap == lastSeen[512 &+ byte] {
            let votes = recordVotes[gap] &+ 1
            recordVotes[gap] = votes
            if gap != recordLength, recordLength == 0 ? votes >= 4 : votes > recordVotes[recordLength] &+ 2 {
                recordLength = gap
            }
        }
        lastSeen[512 &+ byte] = lastSeen[256 &+ byte]
        lastSeen[256 &+ byte] = gap
        lastSeen[byte] = done
        self.buffer = buffer
        self.position = done
        c0 = 1
        bitPosition = 0
        startByte()
    }

    @inline(__always)
    func stretch(_ p16: Int) -> Int32 { stretchTable[p16 &>> 4] }

    @inline(__always)
    func squash(_ x: Int) -> Int {
        Int(squashTable[Swift.max(-2047, Swift.min(2047, x)) &+ 2048])
    }

    /// P(next bit = 1) in 16 bits, 1…65535.
    @inline(__always)
    mutating func predict(_ buffer: UnsafePointer<UInt8>) -> Int {
        // Node 1…15 of the current nibble's bit tree.
        let j = bitPosition &- 4
        let nodeIndex = j < 0 ? c0 : (1 &<< j) | (c0 & ((1 &<< j) &- 1))
        var k = 0
        var seenCount = 0
        // Direct orders 0 and 1.
        current[0] = order0 + c0
        current[1] = order1 + (c1 &<< 8 | c0)
        for i in 0..<contextCount { current[i &+ 2] = slots[i] + nodeIndex }
        let maps = contextCount &+ 2
        while k < maps {
            let s = Int(current[k].pointee)
            let p = Int(stateMaps[k &<< 8 | s] &>> 16)
            inputs[k] = stretch(p)
            if s != 0 { seenCount &+= 1 }
            k &+= 1
        }
        // Match model.
        matchExpected = -1
        var matchBucket = 0
        if matchLength > 0 {
            let predicted = Int(buffer[matchPointer]) | 256
            if predicted &>> (8 &- bitPosition) == c0 {
                matchExpected = (predicted &>> (7 &- bitPosition)) & 1
                let l = matchLength
                let bucket = l < 16 ? l : Swift.min(63, 16 &+ ((l &- 16) &>> 2))
                matchIndex = bucket &<< 1 | matchExpected
                let p = Int(matchMap[matchIndex] &>> 16)
                inputs[k] = stretch(p)
                let strength = Int32(Swift.min(l, 32) &<< 6)
                inputs[k &+ 1] = matchExpected == 1 ? strength : -strength
                matchBucket = l < 16 ? 1 : l < 32 ? 2 : 3
            } else {
                inputs[k] = 0
                inputs[k &+ 1] = 0
            }
        } else {
            inputs[k] = 0
            inputs[k &+ 1] = 0
        }
        inputs[k &+ 2] = 256
        // Mixers.
        let n = inputCount
        mixerSet1 = (matchBucket &<< 8 | c0) &* Self.maxInputs
        var dot = 0
        let w1 = weights1 + mixerSet1
        for i in 0..<n { dot &+= Int(w1[i]) &* Int(inputs[i]) }
        dot1 = Swift.max(-2047, Swift.min(2047, dot &>> 16))
        var st = dot1
        if config.secondMixer {
            mixerSet2 = (c1 &<< 3 | bitPosition) &* Self.maxInputs
            let w2 = weights2 + mixerSet2
            var d2 = 0
            for i in 0..<n { d2 &+= Int(w2[i]) &* Int(inputs[i]) }
            dot2 = Swift.max(-2047, Swift.min(2047, d2 &>> 16))
            finalSet = c0 &<< 2
            let wf = weightsFinal + finalSet
            var f = Int(wf[0]) &* dot1 &+ Int(wf[1]) &* dot2 &+ Int(wf[2]) &* 256
            if config.thirdMixer {
                mixerSet3 = (Swift.min(seenCount, 31) &<< 3 | bitPosition) &* Self.maxInputs
                let w3 = weights3 + mixerSet3
                var d3 = 0
                for i in 0..<n { d3 &+= Int(w3[i]) &* Int(inputs[i]) }
                dot3 = Swift.max(-2047, Swift.min(2047, d3 &>> 16))
                f &+= Int(wf[3]) &* dot3
            }
            dotF = Swift.max(-2047, Swift.min(2047, f &>> 16))
            st = dotF
        }
        pMix = squash(st)
        // Secondary estimation: interpolate between two of 33 steps.
        let sIndex = st &+ 2048
        apmWeight = sIndex & 127
        let lo = sIndex &>> 7
        apmIndex1 = c0 &* 33 &+ lo
        apmIndex2 = (c1 &<< 8 | c0) &* 33 &+ lo
        let a1 = (Int(apm1[apmIndex1]) &* (128 &- apmWeight) &+ Int(apm1[apmIndex1 &+ 1]) &* apmWeight) &>> 7
        let a2 = (Int(apm2[apmIndex2]) &* (128 &- apmWeight) &+ Int(apm2[apmIndex2 &+ 1]) &* apmWeight) &>> 7
        var p: Int
        if config.thirdAPM {
            let h2 = Int(truncatingIfNeeded: (last8 & 0xFFFF) &* 0x9E37_79B1 &>> 8) & 0xFF00
            apmIndex3 = ((h2 ^ (c1 &<< 8)) & 0xFF00 | c0) &* 33 &+ lo
            let a3 = (Int(apm3[apmIndex3]) &* (128 &- apmWeight) &+ Int(apm3[apmIndex3 &+ 1]) &* apmWeight) &>> 7
            p = (2 &* pMix &+ a1 &+ 2 &* a2 &+ 3 &* a3) &>> 3
        } else {
            p = (pMix &+ a1 &+ 2 &* a2) &>> 2
        }
        #if CM_TUNING
        if skipSSE { p = pMix }
        #endif
        return Swift.max(32, Swift.min(65535 &- 32, p))
    }

    @inline(__always)
    func updateAPM(_ t: UnsafeMutablePointer<UInt16>, _ i: Int, _ target: Int) {
        let a = Int(t[i]), b = Int(t[i &+ 1])
        t[i] = UInt16(truncatingIfNeeded: a &+ (((target &- a) &* (128 &- apmWeight)) &>> apmShift))
        t[i &+ 1] = UInt16(truncatingIfNeeded: b &+ (((target &- b) &* apmWeight) &>> apmShift))
    }

    @inline(__always)
    func updateMap(_ m: UnsafeMutablePointer<UInt32>, _ bit: Int, limit: Int) {
        let v = m.pointee
        let n = Int(v & 1023)
        let p = Int(v &>> 10)
        let target = bit == 1 ? (1 &<< 22) &- 1 : 0
        let np = p &+ (((target &- p) &* Int(rates[n])) &>> 16)
        m.pointee = UInt32(truncatingIfNeeded: np &<< 10 | (n < limit ? n &+ 1 : n))
    }

    @inline(__always)
    mutating func update(_ bit: Int, _ buffer: UnsafePointer<UInt8>, _ position: Int) {
        let maps = contextCount &+ 2
        for k in 0..<maps {
            let h = current[k]
            let s = Int(h.pointee)
            updateMap(stateMaps + (k &<< 8 | s), bit, limit: mapLimit)
            h.pointee = history.next[s &<< 1 | bit]
        }
        if matchExpected >= 0 {
            updateMap(matchMap + matchIndex, bit, limit: 1023)
            if matchExpected != bit { matchLength = 0 }
        }
        // Mixers: move the weights down the gradient of the coding cost.
        let n = inputCount
        let target = bit &<< 12
        let err1 = ((target &- (squash(dot1) &>> 4)) &* mixerRate1)
        let w1 = weights1 + mixerSet1
        for i in 0..<n { w1[i] &+= Int32(truncatingIfNeeded: (Int(inputs[i]) &* err1) &>> weightShift) }
        if config.secondMixer {
            let err2 = ((target &- (squash(dot2) &>> 4)) &* mixerRate2)
            let w2 = weights2 + mixerSet2
            for i in 0..<n { w2[i] &+= Int32(truncatingIfNeeded: (Int(inputs[i]) &* err2) &>> weightShift) }
            let errF = (target &- (squash(dotF) &>> 4)) &* finalRate
            let wf = weightsFinal + finalSet
            wf[0] &+= Int32(truncatingIfNeeded: (dot1 &* errF) &>> weightShift)
            wf[1] &+= Int32(truncatingIfNeeded: (dot2 &* errF) &>> weightShift)
            wf[2] &+= Int32(truncatingIfNeeded: (256 &* errF) &>> weightShift)
            if config.thirdMixer {
                let err3 = ((target &- (squash(dot3) &>> 4)) &* mixerRate2)
                let w3 = weights3 + mixerSet3
                for i in 0..<n { w3[i] &+= Int32(truncatingIfNeeded: (Int(inputs[i]) &* err3) &>> weightShift) }
                wf[3] &+= Int32(truncatingIfNeeded: (dot3 &* errF) &>> weightShift)
            }
        }
        let t16 = bit == 1 ? 65535 : 0
        updateAPM(apm1, apmIndex1, t16)
        updateAPM(apm2, apmIndex2, t16)
        if config.thirdAPM { updateAPM(apm3, apmIndex3, t16) }
        // Next bit.
        c0 = c0 &<< 1 | bit
        bitPosition &+= 1
        if bitPosition == 3 {
            // The second nibble's slot is one of two: fetch both while the fourth bit is coded.
            for i in 0..<contextCount {
                let t = tables + (i &<< (slotBits &+ 4))
                let h0 = Self.hash(contextHash[i] ^ UInt64(c0 &<< 1), 0x51)
                let h1 = Self.hash(contextHash[i] ^ UInt64(c0 &<< 1 | 1), 0x51)
                squeeze_prefetch(t + (Int(truncatingIfNeeded: h0 &>> (64 &- UInt64(slotBits))) &<< 4))
                squeeze_prefetch(t + (Int(truncatingIfNeeded: h1 &>> (64 &- UInt64(slotBits))) &<< 4))
            }
        } else if bitPosition == 4 {
            for i in 0..<contextCount {
                let hx = Self.hash(contextHash[i] ^ UInt64(c0), 0x51)
                slots[i] = lookup(tables + (i &<< (slotBits &+ 4)), hx)
            }
        }
    }

    /// Codes one byte (the encoder passes it, the decoder gets it back) at
    /// `position`; `buffer` holds all earlier bytes. The caller stores the
    /// byte at `position` and then calls `endByte`.
    @inline(__always)
    mutating func code<C: BinaryCoder>(_ byte: Int, _ coder: inout C, _ buffer: UnsafePointer<UInt8>, _ position: Int) -> Int {
        for k in stride(from: 7, through: 0, by: -1) {
            let p = predict(buffer)
            let bit = coder.code((byte &>> k) & 1 != 0, probabilityOfOne: UInt32(p)) ? 1 : 0
            update(bit, buffer, position)
        }
        return c0 & 255
    }
}
