/// Decodes an `lzfast` sequences block: the three coded streams into one
/// scratch allocation, then one pass over the sequences that copies literals
/// and matches with 16-byte loads and stores.
///
/// Every length is checked against the literals left and the output left,
/// every offset against the bytes already written, before any copy: the
/// wide copies may write up to 15 bytes past a run's end, into slack the
/// output and the literal buffer keep for that, never past it.
enum LZFastDecoder {
    /// Bytes of slack after the output and the literals for the wide copies.
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
        let written = try out.withUnsafeAppendingSpace(maxCount: n + slack) { (region) throws(CodecError) -> Int in
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
            throw .corrupt("lzfast \(what) stream kind \(kind) unknown (0 raw, 1 tANS, 2 single)")
        }
    }

    @inline(__always)
    static func copy16(_ to: UnsafeMutablePointer<UInt8>, _ from: UnsafePointer<UInt8>) {
        UnsafeMutableRawPointer(to).storeBytes(of: UnsafeRawPointer(from).loadUnaligned(as: SIMD16<UInt8>.self), as: SIMD16<UInt8>.self)
    }

    static func run(dst: UnsafeMutablePointer<UInt8>, count n: Int, literals: UnsafeMutablePointer<UInt8>, literalCount: Int,
                    tokens: UnsafePointer<UInt8>, offsetCodes: UnsafePointer<UInt8>, sequenceCount: Int,
                    extras: UnsafeRawBufferPointer) throws(CodecError) {
        // Indices, not pointers: o into the output, l into the literals.
        var o = 0
        var l = 0
        // Extra bits, LSB first: a field is read by one unaligned 8-byte load
        // at its byte, shifted by its bit; the last 7 bytes go through a checked path.
        let xp = extras.baseAddress ?? UnsafeRawPointer(literals)
        let xCount = extras.count
        let fastEnd = xCount &- 8
        var bitPos = 0
        @inline(__always) func bits(_ count: Int) -> Int {
            let byte = bitPos &>> 3
            var word: UInt64
            if byte <= fastEnd {
                word = UInt64(littleEndian: xp.loadUnaligned(fromByteOffset: byte, as: UInt64.self))
            } else {
                word = 0
                var i = 0
                while byte &+ i < xCount && i < 8 {
                    word |= UInt64(xp.load(fromByteOffset: byte &+ i, as: UInt8.self)) &<< UInt64(i &* 8)
                    i &+= 1
                }
            }
            let v = (word &>> UInt64(truncatingIfNeeded: bitPos & 7)) & ((1 &<< UInt64(truncatingIfNeeded: count)) &- 1)
            bitPos &+= count
            return Int(truncatingIfNeeded: v)
        }
        @inline(__always) func length(_ c: Int) -> Int {
            if c < 15 {
                let (b, nb) = LZFastCodes.lengthBase(c)
                return b &+ bits(nb)
            }
            let nb = bits(5)
            return LZFastCodes.escapeBase &+ bits(nb)
        }
        var rep = 1
        for i in 0..<sequenceCount {
            let t = Int(tokens[i])
            let ll = length(t &>> 4)
            // Literals.
            guard ll <= literalCount &- l && ll <= n &- o else {
                throw .corrupt("lzfast sequence \(i): \(ll) literals overrun the literals or the output")
            }
            var k = 0
            repeat {
                copy16(dst + (o &+ k), literals + (l &+ k))
                k &+= 16
            } while k < ll
            o &+= ll
            l &+= ll
            // Offset.
            let oc = Int(offsetCodes[i])
            if oc != 0 {
                guard oc <= 31 else { throw .corrupt("lzfast sequence \(i): offset code \(oc) above 31") }
                rep = (1 &<< (oc &- 1)) | bits(oc &- 1)
            }
            let offset = rep
            let ml = length(t & 15) &+ LZFastCodes.minMatch
            guard offset <= o else {
                throw .corrupt("lzfast sequence \(i): offset \(offset) reaches before the block start (\(o) bytes written)")
            }
            guard ml <= n &- o else {
                throw .corrupt("lzfast sequence \(i): match of \(ml) bytes overruns the output (\(n - o) left)")
            }
            // Match: the source trails the destination by `offset`; a 16-byte
            // copy is exact only when offset ≥ 16, so shorter offsets first
            // double the repeated pattern until it is 16 bytes or longer
            // (o − d stays the match's first source byte while d doubles).
            let end = o &+ ml
            var d = offset
            if d < 16 {
                let from = dst + (o &- d)
                while d < 16 && o < end {
                    let m = Swift.min(d, end &- o)
                    let to = dst + o
                    for j in 0..<m { to[j] = from[j] }
                    o &+= m
                    d &+= d
                }
            }
            while o < end {
                copy16(dst + o, dst + (o &- d))
                o &+= 16
            }
            o = end
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
