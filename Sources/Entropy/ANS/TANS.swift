#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Static tabled ANS (tANS), the finite-state form of asymmetric numeral
/// systems (Duda 2009; Duda 2013, section 4) in the layout Collet's "Finite
/// State Entropy" articles (fastcompression.blogspot.com, 2013–2014) made
/// popular: a table of L = 2^tableLog states in which symbol s owns f_s slots
/// (its normalised count), so coding s moves the state by about
/// log2(L / f_s) bits, fractional on average, with one table lookup and one
/// bit-field per symbol.
///
/// States are x ∈ [L, 2L); tables are indexed by x − L. Encoding s from x
/// first shifts out the k low bits that bring x into [f_s, 2f_s) (k is one of
/// two values per symbol), then jumps to the state whose slot is the
/// (x − f_s)-th of s's slots. Decoding reverses it: the slot names the symbol
/// and the value x' ∈ [f_s, 2f_s) it came from, and the k bits are read back.
///
/// Four states take symbols in turn over one bit stream, so the decoder's
/// four table-lookup chains overlap (the interleaving Giesen describes for
/// rANS in "Interleaved entropy coders", 2014, applied to tANS as FSE does
/// with two).
public enum TANS {
    /// Largest table log for tANS (the largest the counts allow). Up to 2^14
    /// the coder moves four fields per flush or refill of the 64-bit bit
    /// buffer, at 2^15 two; tables up to 2^12 four-byte entries stay in a
    /// 32 KiB L1 cache, so larger ones are taken only when they pay.
    public static let maxTableLog = 15

    /// How much larger (as a fraction) the coded block may be than with the
    /// largest table before a larger table is worth its slower decoding.
    public static let tableTolerance = 0.002

    /// Where each slot goes: slot i holds symbol `spread(f)[i]`.
    ///
    /// Each symbol's j-th slot is placed by its ideal position (j + ½)·L/f_s,
    /// so every symbol's slots are spaced evenly over the table (Duda's
    /// "precise" spreading, 2013, section 4.1). An even spacing keeps the
    /// state distribution close to the one the counts promise; the simpler
    /// fixed-stride spread of FSE loses about 2% on very skewed data (pic),
    /// this one a fraction of that. Ties go to the smaller symbol, so the
    /// decoder rebuilds the same table from the counts alone. A counting sort
    /// over the L positions makes it O(L + 256).
    public static func spread(_ freqs: NormalizedFrequencies) -> [UInt8] {
        var table = [UInt8](repeating: 0, count: freqs.tableSize)
        table.withUnsafeMutableBufferPointer { t in
            guard let t = t.baseAddress else { return }
            forEachSlot(freqs) { slot, s, _ in t[slot] = UInt8(truncatingIfNeeded: s) }
        }
        return table
    }

    /// Calls `body(slot, symbol, j)` for every slot of the spread table, j
    /// being the slot's rank among its symbol's slots (slot order and rank
    /// order agree, since a symbol's ideal positions increase with j). The
    /// table builders take their entries from here directly, with no spread
    /// array and no second pass over it: the set-up is a fixed cost per block
    /// that small blocks (Calgary's files, lzfast's three streams) feel.
    @inline(__always)
    static func forEachSlot(_ freqs: NormalizedFrequencies, _ body: (Int, Int, Int) -> Void) {
        let size = freqs.tableSize
        // Ideal position of slot j of a symbol with count f: ⌊(2j + 1)·L / 2f⌋ ∈ [0, L),
        // stepped without a division per slot: the numerator grows by 2L, so the
        // position by ⌊2L / 2f⌋ plus a carry from the remainder.
        let bucketStart = UnsafeMutablePointer<Int32>.allocate(capacity: size + 1)
        defer { bucketStart.deallocate() }
        bucketStart.initialize(repeating: 0, count: size + 1)
        freqs.counts.withUnsafeBufferPointer { counts in
            @inline(__always) func positions(_ f: Int, _ body: (Int, Int) -> Void) {
                let d = 2 &* f
                let q = (2 &* size) / d, r = (2 &* size) % d
                var p = size / d, rem = size % d
                for j in 0..<f {
                    body(p, j)
                    rem &+= r
                    p &+= q
                    if rem >= d { rem &-= d; p &+= 1 }
                }
            }
            for s in 0..<256 {
                let f = Int(counts[s])
                guard f > 0 else { continue }
                positions(f) { p, _ in bucketStart[p &+ 1] &+= 1 }
            }
            for p in 0..<size { bucketStart[p &+ 1] &+= bucketStart[p] }
            for s in 0..<256 {
                let f = Int(counts[s])
                guard f > 0 else { continue }
                positions(f) { p, j in
                    body(Int(bucketStart[p]), s, j)
                    bucketStart[p] &+= 1
                }
            }
        }
    }

    /// Per symbol: what the encoder needs to pick the bit count and the next state.
    public struct SymbolTransform: Sendable, Equatable {
        /// (k << 16) − (f << k) with k = tableLog − ⌊log2 f⌋: adding a state x
        /// and shifting right by 16 gives k − 1 below the threshold f·2^k and k
        /// at or above it (Collet's trick: one add and one shift, no branch).
        public var deltaBits: UInt32
        /// cumulative(s) − f_s: index into `nextState` of x' ∈ [f_s, 2f_s).
        public var deltaFind: Int32
    }

    /// Encoder tables for one set of normalised counts.
    public struct EncodingTable: Sendable {
        public let frequencies: NormalizedFrequencies
        /// For each symbol's slots in spread order, the state (L + slot) it leads to.
        public let nextState: [UInt16]
        public let symbols: [SymbolTransform]

        public init(_ freqs: NormalizedFrequencies, spread: [UInt8]? = nil) {
            let size = freqs.tableSize
            let log = freqs.tableLog
            var cumulative = [Int](repeating: 0, count: 257)
            for s in 0..<256 { cumulative[s + 1] = cumulative[s] + Int(freqs.counts[s]) }
            var next = [UInt16](repeating: 0, count: size)
            if let table = spread {
                var fill = Array(cumulative.prefix(256))
                for i in 0..<size {
                    let s = Int(table[i])
                    next[fill[s]] = UInt16(truncatingIfNeeded: size + i)
                    fill[s] += 1
                }
            } else {
                // The j-th slot of s (in slot order) is next[cumulative(s) + j].
                cumulative.withUnsafeBufferPointer { c in
                    next.withUnsafeMutableBufferPointer { n in
                        guard let c = c.baseAddress, let n = n.baseAddress else { return }
                        TANS.forEachSlot(freqs) { slot, s, j in n[c[s] &+ j] = UInt16(truncatingIfNeeded: size &+ slot) }
                    }
                }
            }
            var sym = [SymbolTransform](repeating: SymbolTransform(deltaBits: 0, deltaFind: 0), count: 256)
            for s in 0..<256 {
                let f = Int(freqs.counts[s])
                guard f > 0 else {
                    // Never used for a present symbol; keeps the numbers harmless.
                    sym[s] = SymbolTransform(deltaBits: UInt32(log << 16), deltaFind: 0)
                    continue
                }
                let k = log - f.bitWidthFloor
                sym[s] = SymbolTransform(deltaBits: UInt32(truncatingIfNeeded: (k << 16) - (f << k)), deltaFind: Int32(cumulative[s] - f))
            }
            frequencies = freqs
            nextState = next
            symbols = sym
        }

        /// The bits emitted and the next state for coding `symbol` from state
        /// `x` ∈ [L, 2L): the explainer's view of one encoder step.
        public func step(state x: Int, symbol: UInt8) -> (bits: Int, value: Int, next: Int) {
            let t = symbols[Int(symbol)]
            let nb = Int((UInt32(x) &+ t.deltaBits) >> 16)
            let next = Int(nextState[(x >> nb) + Int(t.deltaFind)])
            return (nb, x & ((1 << nb) - 1), next)
        }
    }

    /// Decoder table: per slot, the symbol, the bits to read and the base the
    /// bits are added to (the next state minus L).
    public struct DecodingTable: Sendable {
        public let frequencies: NormalizedFrequencies
        /// symbol | bits << 8 | base << 16: the symbol is stored as the low
        /// byte, the bit count is one byte move to a shift register.
        public let entries: [UInt32]

        public init(_ freqs: NormalizedFrequencies, spread: [UInt8]? = nil) {
            let size = freqs.tableSize
            let log = freqs.tableLog
            var e = [UInt32](repeating: 0, count: size)
            // Slot i of s, the j-th in slot order, decodes to x' = f_s + j ∈ [f_s, 2f_s)
            // (the order the encoder assigns them), then reads nb bits.
            @inline(__always) func entry(_ s: Int, _ x: Int) -> UInt32 {
                let nb = log &- (Int.bitWidth &- 1 &- x.leadingZeroBitCount)
                let base = (x &<< nb) &- size
                return UInt32(truncatingIfNeeded: s | nb &<< 8 | base &<< 16)
            }
            freqs.counts.withUnsafeBufferPointer { counts in
                e.withUnsafeMutableBufferPointer { e in
                    guard let counts = counts.baseAddress, let e = e.baseAddress else { return }
                    if let table = spread {
                        var next = [Int](repeating: 0, count: 256)
                        for s in 0..<256 { next[s] = Int(counts[s]) }
                        for i in 0..<size {
                            let s = Int(table[i])
                            e[i] = entry(s, next[s])
                            next[s] += 1
                        }
                    } else {
                        TANS.forEachSlot(freqs) { slot, s, j in e[slot] = entry(s, Int(counts[s]) &+ j) }
                    }
                }
            }
            frequencies = freqs
            entries = e
        }

        /// Symbol, bits to read and base for slot `i`: one decoder step.
        public func entry(_ i: Int) -> (symbol: UInt8, bits: Int, base: Int) {
            let e = entries[i]
            return (UInt8(truncatingIfNeeded: e), Int((e >> 8) & 0xFF), Int(e >> 16))
        }
    }

    // MARK: block format

    /// Codes `input` (not empty) with counts normalised at most to `maxTableLog`
    /// and appends: the table log (1 byte), the counts header (byte-aligned
    /// bits), the number of padding bits (1 byte) and the tANS bit stream.
    public static func encode(_ input: UnsafeRawBufferPointer, maxTableLog: Int, into out: inout ByteBuffer) throws(CodecError) {
        let freqs = try NormalizedFrequencies(of: input, maxTableLog: Swift.min(maxTableLog, Self.maxTableLog))
        try encode(input, frequencies: freqs, into: &out)
    }

    /// Codes `input` (not empty) with the smallest table log from `minTableLog`
    /// up that comes within `tableTolerance` of the largest table's size.
    public static func encode(_ input: UnsafeRawBufferPointer, minTableLog: Int, into out: inout ByteBuffer) throws(CodecError) {
        let h = ByteHistogram.counts(input)
        let freqs = try NormalizedFrequencies(histogram: h, count: input.count, minTableLog: minTableLog,
                                              maxTableLog: Self.maxTableLog, tolerance: tableTolerance)
        try encode(input, frequencies: freqs, histogram: h, into: &out)
    }

    /// Codes `input` with given counts (every byte of `input` must have a nonzero count).
    public static func encode(_ input: UnsafeRawBufferPointer, frequencies freqs: NormalizedFrequencies,
                              into out: inout ByteBuffer) throws(CodecError) {
        try encode(input, frequencies: freqs, histogram: ByteHistogram.counts(input), into: &out)
    }

    static func encode(_ input: UnsafeRawBufferPointer, frequencies freqs: NormalizedFrequencies, histogram h: [UInt32],
                       into out: inout ByteBuffer) throws(CodecError) {
        guard freqs.tableLog <= maxTableLog else { throw .invalidParameter("tANS table log \(freqs.tableLog) above \(maxTableLog)") }
        out.append(UInt8(freqs.tableLog))
        var header = BitWriter(continuing: &out)
        freqs.write(to: &header)
        header.finish(into: &out)
        let table = EncodingTable(freqs)
        // At most k_s = tableLog − ⌊log2 f_s⌋ bits for each s, the states,
        // padding and slack: a tight bound, so the output buffer (often sized
        // for the input) need not grow.
        var maxBits = 0
        for s in 0..<256 where h[s] > 0 {
            guard freqs.counts[s] > 0 else { throw .invalidParameter("byte \(s) occurs but has no tANS slot") }
            maxBits += Int(h[s]) * (freqs.tableLog - Int(freqs.counts[s]).bitWidthFloor)
        }
        let capacity = (maxBits + 7) / 8 + 4 * 2 + 32
        _ = try out.withUnsafeAppendingSpace(maxCount: capacity + 1) { (region) throws(CodecError) -> Int in
            guard let base = region.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return 0 }
            let stream = base + 1
            let end = stream + capacity
            var w = ReverseBitWriter(end: end)
            try encodeStream(input, table, &w)
            let pad = w.finish()
            let written = end - w.end
            // Move the stream down to just after the padding byte.
            memmove(stream, w.end, written)
            base.pointee = UInt8(pad)
            return 1 + written
        }
    }

    @usableFromInline
    static func encodeStream(_ input: UnsafeRawBufferPointer, _ table: EncodingTable, _ writer: inout ReverseBitWriter) throws(CodecError) {
        let log = table.frequencies.tableLog
        let size = 1 << log
        let n = input.count
        guard n > 0, let p = input.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        // The tables are copied into one allocation read through raw pointers,
        // and the writer's fields live in locals, so the loop keeps its four
        // states, the accumulator and the pointers in registers.
        let work = UnsafeMutableRawPointer.allocate(byteCount: 256 * 8 + 2 * size, alignment: 8)
        defer { work.deallocate() }
        let delta = work.assumingMemoryBound(to: UInt32.self)          // deltaBits, deltaFind per symbol
        let next = (work + 256 * 8).assumingMemoryBound(to: UInt16.self)
        for s in 0..<256 {
            delta[2 * s] = table.symbols[s].deltaBits
            delta[2 * s + 1] = UInt32(bitPattern: table.symbols[s].deltaFind)
        }
        for i in 0..<size { next[i] = table.nextState[i] }
        var end = writer.end
        var acc: UInt64 = 0, pending: UInt64 = 0
        // All states start at L (slot 0); the decoder checks they end there.
        var s0 = UInt32(size), s1 = UInt32(size), s2 = UInt32(size), s3 = UInt32(size)
        let raw = UnsafeRawPointer(work)
        @inline(__always) func put(_ x: inout UInt32, _ sym: UInt8) {
            // deltaBits and deltaFind in one 8-byte load (the low and high halves).
            let e = raw.load(fromByteOffset: Int(sym) &<< 3, as: UInt64.self)
            let nb = (x &+ UInt32(truncatingIfNeeded: e)) &>> 16
            let high = x &>> nb
            // The nb low bits of x are x − (high << nb): no mask to build.
            acc |= UInt64(x ^ (high &<< nb)) &<< pending
            pending &+= UInt64(nb)
            let find = Int(truncatingIfNeeded: Int64(bitPattern: e) &>> 32)
            x = UInt32(raw.load(fromByteOffset: 256 &* 8 &+ ((Int(high) &+ find) &<< 1), as: UInt16.self))
        }
        @inline(__always) func flush() {
            UnsafeMutableRawPointer(end - 8).storeBytes(of: acc.bigEndian, as: UInt64.self)
            let bytes = pending &>> 3
            end -= Int(bytes)
            acc = acc &>> (bytes &<< 3)
            pending &= 7
        }
        // Symbol i belongs to state i mod 4.
        var i = n
        while i & 3 != 0 {
            i &-= 1
            switch i & 3 {
            case 0: put(&s0, p[i])
            case 1: put(&s1, p[i])
            default: put(&s2, p[i])
            }
            flush()
        }
        // A pointer walks down the input (no index and base: one register
        // fewer, so the four states, the accumulator and the pointers all stay
        // in registers).
        var q = p + i
        if log <= 14 {
            while q > p {
                q -= 4
                put(&s3, q[3])
                put(&s2, q[2])
                put(&s1, q[1])
                put(&s0, q[0])
                flush()
            }
        } else {
            while q > p {
                q -= 4
                put(&s3, q[3])
                put(&s2, q[2])
                flush()
                put(&s1, q[1])
                put(&s0, q[0])
                flush()
            }
        }
        writer.end = end
        writer.acc = acc
        writer.pending = Int(pending)
        // Final states, the last first, so the decoder reads state 0 first.
        for x in [s3, s2, s1, s0] {
            writer.write(UInt64(x) - UInt64(size), count: log)
            writer.flush()
        }
    }

    /// Decodes a block written by `encode`: exactly `count` bytes to `dst`.
    /// Throws on a bad header, a stream that ends early, bits left over, or
    /// final states other than the encoder's start: never traps or loops.
    public static func decode(_ input: UnsafeRawBufferPointer, count: Int, into dst: UnsafeMutablePointer<UInt8>) throws(CodecError) {
        guard let first = input.first else { throw .truncated }
        let log = Int(first)
        guard (NormalizedFrequencies.minTableLog...maxTableLog).contains(log) else {
            throw .corrupt("tANS table log \(log) outside \(NormalizedFrequencies.minTableLog)...\(maxTableLog)")
        }
        var headerReader = BitReader(UnsafeRawBufferPointer(rebasing: input[1...]))
        let freqs = try NormalizedFrequencies.read(from: &headerReader, tableLog: log)
        try headerReader.checkNotOverrun()
        let headerBytes = (headerReader.bitPosition + 7) / 8
        let padAt = 1 + headerBytes
        guard padAt < input.count else { throw .truncated }
        let pad = Int(input[padAt])
        guard pad < 8 else { throw .corrupt("tANS padding of \(pad) bits (at most 7)") }
        let stream = UnsafeRawBufferPointer(rebasing: input[(padAt + 1)...])
        let table = DecodingTable(freqs)
        try decodeStream(stream, pad: pad, table: table, count: count, into: dst)
    }

    /// Fast decoding (`decodeStream`): a 64-bit buffer holding `avail` valid
    /// bits, MSB first, topped up to at least 56 by each refill, so four fields
    /// of up to 14 bits need no check between refills. The load address
    /// depends only on the previous refill, not on the fields read since, so
    /// the load overlaps the table lookups (Giesen, "Reading bits in far too
    /// many ways", 2018: the branchless lookahead refill). The caller keeps 8
    /// bytes readable at `ptr`.
    @inline(__always)
    static func refill(_ w: inout UInt64, _ avail: inout UInt64, _ ptr: inout UnsafeRawPointer) {
        w |= UInt64(bigEndian: ptr.loadUnaligned(as: UInt64.self)) &>> avail
        ptr += Int(truncatingIfNeeded: (63 &- avail) &>> 3)
        avail |= 56
    }

    /// One decoder step: the slot's symbol, its nb bits off the top of the
    /// buffer and the next state. (w >> 1) >> (63 − nb) is 0 for nb = 0
    /// without a branch (shift counts are taken mod 64).
    @inline(__always)
    static func take(_ t: UnsafePointer<UInt32>, _ x: inout Int, _ w: inout UInt64, _ avail: inout UInt64) -> UInt8 {
        let tb = UnsafeRawPointer(t), off = x &<< 2
        let nb = UInt64(tb.load(fromByteOffset: off &+ 1, as: UInt8.self))
        avail &-= nb
        let v = (w &>> 1) &>> (63 &- nb)
        w &<<= nb
        x = Int(tb.load(fromByteOffset: off &+ 2, as: UInt16.self)) &+ Int(truncatingIfNeeded: v)
        return tb.load(fromByteOffset: off, as: UInt8.self)
    }

    /// Rounds of four symbols the fast loops can run from `ptr` and `d`
    /// with neither bound checked (at least 1 when both hold now): a refill
    /// moves `ptr` by at most 7 bytes and a round writes 4. One bound per
    /// round instead of two frees a register, so no state spills to memory.
    @inline(__always)
    static func safeRounds(_ ptr: UnsafeRawPointer, _ ptrLimit: UnsafeRawPointer,
                           _ d: UnsafeMutablePointer<UInt8>, _ dLimit: UnsafeMutablePointer<UInt8>) -> Int {
        Swift.min((ptrLimit - ptr) / 7, (dLimit - d) / 4) &+ 1
    }

    @usableFromInline
    static func decodeStream(_ stream: UnsafeRawBufferPointer, pad: Int, table: DecodingTable, count n: Int,
                             into dst: UnsafeMutablePointer<UInt8>) throws(CodecError) {
        let log = table.frequencies.tableLog
        let mask = (1 << log) - 1
        // A slot reads 0 bits only for a symbol with a count above half the table.
        let hasZeroBitSlots = table.frequencies.counts.contains { Int($0) > 1 << (log - 1) }
        var s0 = 0, s1 = 0, s2 = 0, s3 = 0
        var o = 0
        // Bits consumed from the start of the stream.
        var bitPos = pad + 4 * log
        guard stream.count * 8 >= bitPos, let sp = stream.baseAddress else { throw .truncated }
        do {
            var r = BitReader(stream)
            r.skip(pad)
            s0 = Int(r.read(log)); s1 = Int(r.read(log)); s2 = Int(r.read(log)); s3 = Int(r.read(log))
        }
        table.entries.withUnsafeBufferPointer { buf in
            guard let t = buf.baseAddress else { return }
            var ptr = UnsafeRawPointer(sp) + (bitPos &>> 3)
            var d = dst
            var w: UInt64 = 0
            var avail: UInt64 = 0
            guard stream.count >= 8 && (bitPos &>> 3) <= stream.count &- 8 else { return }
            refill(&w, &avail, &ptr)
            // Skip the bits before the first field (padding and the states).
            let skip = UInt64(truncatingIfNeeded: bitPos & 7)
            w &<<= skip
            avail &-= skip
            let ptrLimit = UnsafeRawPointer(sp) + (stream.count &- 8)
            let tb = UnsafeRawPointer(t)
            if log <= 14 && !hasZeroBitSlots {
                // No slot reads 0 bits (no count above L/2): a field is
                // w >> (64 − nb) directly, and the three parts of a slot are
                // read as bytes, no shifts and masks to split a word.
                @inline(__always) func step(_ x: inout Int) -> UInt8 {
                    let off = x &<< 2
                    let nb = UInt64(tb.load(fromByteOffset: off &+ 1, as: UInt8.self))
                    avail &-= nb
                    let v = w &>> (0 &- nb)
                    w &<<= nb
                    x = Int(tb.load(fromByteOffset: off &+ 2, as: UInt16.self)) &+ Int(truncatingIfNeeded: v)
                    return tb.load(fromByteOffset: off, as: UInt8.self)
                }
                let dLimit = dst + (n &- 4)
                while n >= 4 && ptr <= ptrLimit && d <= dLimit {
                    let stop = d + 4 &* safeRounds(ptr, ptrLimit, d, dLimit)
                    repeat {
                        refill(&w, &avail, &ptr)
                        d[0] = step(&s0)
                        d[1] = step(&s1)
                        d[2] = step(&s2)
                        d[3] = step(&s3)
                        d += 4
                    } while d < stop
                }
            } else if log <= 14 {
                let dLimit = dst + (n &- 4)
                while n >= 4 && ptr <= ptrLimit && d <= dLimit {
                    let stop = d + 4 &* safeRounds(ptr, ptrLimit, d, dLimit)
                    repeat {
                        refill(&w, &avail, &ptr)
                        d[0] = take(t, &s0, &w, &avail)
                        d[1] = take(t, &s1, &w, &avail)
                        d[2] = take(t, &s2, &w, &avail)
                        d[3] = take(t, &s3, &w, &avail)
                        d += 4
                    } while d < stop
                }
            } else {
                while ptr <= ptrLimit && n &- (d - dst) >= 4 {
                    refill(&w, &avail, &ptr)
                    d[0] = take(t, &s0, &w, &avail)
                    d[1] = take(t, &s1, &w, &avail)
                    guard ptr <= ptrLimit else { d += 2; break }
                    refill(&w, &avail, &ptr)
                    d[2] = take(t, &s2, &w, &avail)
                    d[3] = take(t, &s3, &w, &avail)
                    d += 4
                }
            }
            o = d - dst
            bitPos = (ptr - UnsafeRawPointer(sp)) &* 8 &- Int(truncatingIfNeeded: avail)
        }
        // Checked part: the last symbols through the bounds-checked reader.
        var r = BitReader(UnsafeRawBufferPointer(rebasing: stream[Swift.min(stream.count, bitPos >> 3)...]))
        r.skip(bitPos & 7)
        table.entries.withUnsafeBufferPointer { buf in
            guard let t = buf.baseAddress else { return }
            @inline(__always) func take(_ x: inout Int, _ r: inout BitReader) -> UInt8 {
                let e = t[x]
                let nb = Int((e &>> 8) & 0xFF)
                x = (Int(e &>> 16) &+ Int(truncatingIfNeeded: r.read(nb))) & mask
                return UInt8(truncatingIfNeeded: e)
            }
            while o < n {
                switch o & 3 {
                case 0: dst[o] = take(&s0, &r)
                case 1: dst[o] = take(&s1, &r)
                case 2: dst[o] = take(&s2, &r)
                default: dst[o] = take(&s3, &r)
                }
                o &+= 1
            }
        }
        try r.checkNotOverrun()
        guard r.remainingBits == 0 else { throw .corrupt("tANS stream has \(r.remainingBits) bits after the last symbol") }
        guard s0 == 0 && s1 == 0 && s2 == 0 && s3 == 0 else {
            throw .corrupt("tANS final states \(s0), \(s1), \(s2), \(s3) are not the encoder's initial state 0")
        }
    }
}
