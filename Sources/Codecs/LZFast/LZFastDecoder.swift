/// Decodes an `lzfast` sequences block: the three coded streams into one
/// scratch allocation, then one pass over the sequences that copies literals
/// and matches with 16-byte loads and stores.
///
/// Every length is checked against the literals left and the output left,
/// every offset against the bytes already written, before any copy: the
/// wide copies may write up to 15 bytes past a run's end, so they are used
/// only while 16 bytes of output remain after the sequence (and the literal
/// buffer keeps slack for its reads); the block's last sequences are copied
/// exactly, so the output needs no slack.
enum LZFastDecoder {
    /// Bytes of slack after the literals for the wide copies' reads.
    static let slack = 32

    static func decode(_ body: UnsafeRawBufferPointer, count n: Int, into out: inout ByteBuffer) throws(CodecError) {
        var pos = 0
        let sequenceCount = try readVarint(body, &pos, "sequence count")
        let literalCount = try readVarint(body, &pos, "literal count")
        guard literalCount <= n else { throw .corrupt("lzfast block claims \(literalCount) literals for \(n) bytes") }
        guard sequenceCount <= (n - literalCount) / LZFastCodes.minMatch else {
            throw .corrupt("lzfast block claims \(sequenceCount) sequences for \(n - literalCount) matched bytes")
        }
        let scratch = UnsafeMutableRawPointer.allocate(byteCount: literalCount + 2 * sequenceCount + slack, alignment: 16)
        defer { scratch.deallocate() }
        let literals = scratch.assumingMemoryBound(to: UInt8.self)
        let tokens = literals + literalCount + slack
        let offsetCodes = tokens + sequenceCount
        try readStream(body, &pos, count: literalCount, into: literals, "literals")
        try readStream(body, &pos, count: sequenceCount, into: tokens, "tokens")
        try readStream(body, &pos, count: sequenceCount, into: offsetCodes, "offset codes")
        let extras = UnsafeRawBufferPointer(rebasing: body[pos...])
        // Exactly n bytes of output: a larger request would make a buffer
        // sized for the block (the usual case) reallocate and copy itself.
        let written = try out.withUnsafeAppendingSpace(maxCount: n) { (region) throws(CodecError) -> Int in
            guard let dst = region.baseAddress else { return 0 }
            try run(dst: dst.assumingMemoryBound(to: UInt8.self), count: n, literals: literals, literalCount: literalCount,
                    tokens: tokens, offsetCodes: offsetCodes, sequenceCount: sequenceCount, extras: extras)
            return n
        }
        guard written == n else { throw .truncated }
    }

    static func readVarint(_ b: UnsafeRawBufferPointer, _ pos: inout Int, _ what: String) throws(CodecError) -> Int {
        var v = 0, shift = 0
        while true {
            guard pos < b.count else { throw .truncated }
            let byte = b[pos]
            pos += 1
            v |= Int(byte & 0x7F) << shift
            if byte < 0x80 { return v }
            shift += 7
            guard shift < 35 else { throw .corrupt("lzfast \(what) is longer than 5 bytes") }
        }
    }

    static func readStream(_ b: UnsafeRawBufferPointer, _ pos: inout Int, count: Int, into dst: UnsafeMutablePointer<UInt8>,
                           _ what: String) throws(CodecError) {
        guard pos < b.count else { throw .truncated }
        let kind = b[pos]
        pos += 1
        switch LZFastCodec.StreamKind(rawValue: kind) {
        case .raw:
            guard b.count - pos >= count else { throw .truncated }
            if count > 0, let base = b.baseAddress { dst.update(from: (base + pos).assumingMemoryBound(to: UInt8.self), count: count) }
            pos += count
        case .single:
            guard pos < b.count else { throw .truncated }
            dst.update(repeating: b[pos], count: count)
            pos += 1
        case .tans:
            guard b.count - pos >= 4 else { throw .truncated }
            let length = Int(b.loadUnaligned(fromByteOffset: pos, as: UInt32.self).littleEndian)
            pos += 4
            guard b.count - pos >= length else { throw .truncated }
            guard count > 0 else { throw .corrupt("lzfast \(what): a tANS stream for no symbols") }
            try TANS.decode(UnsafeRawBufferPointer(rebasing: b[pos..<(pos + length)]), count: count, into: dst)
            pos += length
        case nil:
            throw .unsupported("lzfast \(what) stream kind \(kind) (this build reads 0 raw, 1 tANS, 2 single)")
        }
    }

    @inline(__always)
    static func copy16(_ to: UnsafeMutablePointer<UInt8>, _ from: UnsafePointer<UInt8>) {
        UnsafeMutableRawPointer(to).storeBytes(of: UnsafeRawPointer(from).loadUnaligned(as: SIMD16<UInt8>.self), as: SIMD16<UInt8>.self)
    }

    /// Per token, the fast path's fields as bytes: literal base, bits, mask;
    /// match base (minus 4), bits, mask; the two bit counts summed; 1 when a
    /// half is the escape code (15), which takes the slow path.
    static let tokenFields: [UInt64] = (0..<256).map { t in
        func part(_ c: Int) -> (base: UInt64, bits: UInt64) {
            if c == 15 { return (0, 0) }
            let (b, n) = LZFastCodes.lengthBase(c)
            return (UInt64(b), UInt64(n))
        }
        let l = part(t >> 4), m = part(t & 15)
        let escape: UInt64 = (t >> 4 == 15 || t & 15 == 15) ? 1 : 0
        return l.base | l.bits << 8 | ((1 << l.bits) - 1) << 16 | m.base << 24 | m.bits << 32 | ((1 << m.bits) - 1) << 40
            | (l.bits + m.bits) << 48 | escape << 56
    }

    /// Per offset code (any byte): 2^b for a new offset of b extra bits (the
    /// top bit of the offset), low 32 bits, and b in the high 32; codes 0 and 1
    /// (repeats) read no bits. Codes above 32 get 2^31, an offset beyond any
    /// block, so the offset check rejects them with no test of their own.
    static let offsetFields: [UInt64] = (0..<256).map { oc in
        if oc > 32 { return 1 << 31 }
        let b = UInt64(Swift.max(oc - 2, 0))
        return (1 << b) | b << 32
    }

    /// Reads `count` ≤ 56 bits at `bitPos` byte by byte, zeros past the end
    /// (an overrun the caller detects from `bitPos` at the end).
    @inline(never)
    static func slowBits(_ x: UnsafeRawBufferPointer, _ bitPos: inout Int, _ count: Int) -> Int {
        let byte = bitPos >> 3
        var word: UInt64 = 0
        var i = 0
        while byte + i < x.count && i < 8 {
            word |= UInt64(x[byte + i]) << UInt64(i * 8)
            i += 1
        }
        bitPos += count
        return Int(truncatingIfNeeded: (word >> UInt64((bitPos - count) & 7)) & ((1 << UInt64(count)) - 1))
    }

    @inline(never)
    static func slowLength(_ c: Int, _ x: UnsafeRawBufferPointer, _ bitPos: inout Int) -> Int {
        if c < 15 {
            let (b, nb) = LZFastCodes.lengthBase(c)
            return b + slowBits(x, &bitPos, nb)
        }
        let nb = slowBits(x, &bitPos, 5)
        return LZFastCodes.escapeBase + slowBits(x, &bitPos, nb)
    }

    /// One sequence near the end of the output, checked and copied without
    /// writing past `n`: the fast loop's wide copies need 16 bytes of room.
    @inline(never)
    static func exactSequence(_ i: Int, dst: UnsafeMutablePointer<UInt8>, count n: Int, o: inout Int,
                              literals: UnsafeMutablePointer<UInt8>, literalCount: Int, l: inout Int,
                              ll: Int, ml: Int, offset: Int) throws(CodecError) {
        if ll > literalCount - l || ll > n - o {
            throw .corrupt("lzfast sequence \(i): \(ll) literals overrun the literals or the output")
        }
        if offset > o + ll {
            throw .corrupt("lzfast sequence \(i): offset \(offset) reaches before the block start (\(o + ll) bytes written)")
        }
        if ml > n - o - ll {
            throw .corrupt("lzfast sequence \(i): match of \(ml) bytes overruns the output (\(n - o - ll) left)")
        }
        (dst + o).update(from: literals + l, count: ll)
        o += ll
        l += ll
        // Byte by byte: the source may overlap the bytes being written.
        let from = dst + (o - offset)
        for j in 0..<ml { dst[o + j] = from[j] }
        o += ml
    }

    static func run(dst: UnsafeMutablePointer<UInt8>, count n: Int, literals: UnsafeMutablePointer<UInt8>, literalCount: Int,
                    tokens: UnsafePointer<UInt8>, offsetCodes: UnsafePointer<UInt8>, sequenceCount: Int,
                    extras: UnsafeRawBufferPointer) throws(CodecError) {
        // Indices, not pointers: o into the output, l into the literals.
        var o = 0
        var l = 0
        // Extra bits, LSB first: a sequence's fields (at most 7 + 30 + 7 bits
        // without escapes) come from one unaligned 8-byte load at the byte
        // holding the first; near the end or with an escape, `slowBits`.
        let xp = extras.baseAddress ?? UnsafeRawPointer(literals)
        let xCount = extras.count
        let fastEnd = xCount &- 8
        var bitPos = 0
        var rep0 = 1, rep1 = 4
        try Self.tokenFields.withUnsafeBufferPointer { (tf) throws(CodecError) -> Void in
          try Self.offsetFields.withUnsafeBufferPointer { (of) throws(CodecError) -> Void in
            guard let tf = tf.baseAddress, let of = of.baseAddress else { return }
            let tb = UnsafeRawPointer(tf)
            for i in 0..<sequenceCount {
                let t = Int(tokens[i])
                let oc = Int(offsetCodes[i])
                let ofe = of[oc]
                let ob = Int(truncatingIfNeeded: ofe &>> 32)
                var ll: Int, ml: Int, newOffset: Int
                let byte = bitPos &>> 3
                let tk = t &<< 3
                if byte <= fastEnd && tb.load(fromByteOffset: tk &+ 7, as: UInt8.self) == 0 {
                    // Masks and bases from the tables: no masks built per field.
                    var w = UInt64(littleEndian: xp.loadUnaligned(fromByteOffset: byte, as: UInt64.self)) &>> UInt64(truncatingIfNeeded: bitPos & 7)
                    ll = Int(tb.load(fromByteOffset: tk, as: UInt8.self)) &+ Int(truncatingIfNeeded: w & UInt64(tb.load(fromByteOffset: tk &+ 2, as: UInt8.self)))
                    w &>>= UInt64(tb.load(fromByteOffset: tk &+ 1, as: UInt8.self))
                    let base = Int(truncatingIfNeeded: ofe & 0xFFFF_FFFF)
                    newOffset = base | (Int(truncatingIfNeeded: w) & (base &- 1))
                    w &>>= UInt64(truncatingIfNeeded: ob)
                    ml = Int(tb.load(fromByteOffset: tk &+ 3, as: UInt8.self)) &+ Int(truncatingIfNeeded: w & UInt64(tb.load(fromByteOffset: tk &+ 5, as: UInt8.self)))
                    bitPos &+= Int(tb.load(fromByteOffset: tk &+ 6, as: UInt8.self)) &+ ob
                } else {
                    guard oc <= 32 else { throw .corrupt("lzfast sequence \(i): offset code \(oc) above 32") }
                    // A copy whose address the slow readers take, so that
                    // bitPos itself stays in a register in the loop.
                    var bp = bitPos
                    ll = slowLength(t >> 4, extras, &bp)
                    newOffset = (1 << ob) | slowBits(extras, &bp, ob)
                    ml = slowLength(t & 15, extras, &bp)
                    bitPos = bp
                }
                ml &+= LZFastCodes.minMatch
                // Offset: a new one, or one of the two repeats.
                if oc >= 2 {
                    rep1 = rep0
                    rep0 = newOffset
                } else if oc == 1 {
                    swap(&rep0, &rep1)
                }
                let offset = rep0
                // Three checks before any copy: the literals exist, literals
                // and match end 16 bytes or more before the output's end (so
                // the wide copies stay inside it), the match starts inside it.
                // The last sequences of a block fail the second and take
                // `exactSequence`, which copies byte-exactly or throws.
                guard ll <= literalCount &- l && ll &+ ml <= n &- o &- 16 && offset <= o &+ ll else {
                    try exactSequence(i, dst: dst, count: n, o: &o, literals: literals, literalCount: literalCount, l: &l,
                                      ll: ll, ml: ml, offset: offset)
                    continue
                }
                copy16(dst + o, literals + l)
                if ll > 16 {
                    var k = 16
                    repeat {
                        copy16(dst + (o &+ k), literals + (l &+ k))
                        k &+= 16
                    } while k < ll
                }
                o &+= ll
                l &+= ll
                // Match: the source trails the destination by `offset`; a 16-byte
                // copy is exact only when offset ≥ 16, so shorter offsets first
                // double the repeated pattern until it is 16 bytes or longer
                // (o − d stays the match's first source byte while d doubles).
                let end = o &+ ml
                if offset >= 16 {
                    copy16(dst + o, dst + (o &- offset))
                    if ml > 16 {
                        var k = o &+ 16
                        repeat {
                            copy16(dst + k, dst + (k &- offset))
                            k &+= 16
                        } while k < end
                    }
                } else {
                    var d = offset
                    let from = dst + (o &- d)
                    while d < 16 && o < end {
                        let m = Swift.min(d, end &- o)
                        let to = dst + o
                        for j in 0..<m { to[j] = from[j] }
                        o &+= m
                        d &+= d
                    }
                    while o < end {
                        copy16(dst + o, dst + (o &- d))
                        o &+= 16
                    }
                }
                o = end
            }
          }
        }
        let rest = literalCount &- l
        guard rest == n &- o else {
            throw .corrupt("lzfast block: \(rest) literals left for \(n - o) bytes of output")
        }
        if rest > 0 { (dst + o).update(from: literals + l, count: rest) }
        guard bitPos <= xCount &* 8 && (bitPos &+ 7) &>> 3 == xCount else {
            throw bitPos > xCount &* 8 ? .truncated : .corrupt("lzfast block: \(xCount * 8 - bitPos) extra bits left over")
        }
    }
}
