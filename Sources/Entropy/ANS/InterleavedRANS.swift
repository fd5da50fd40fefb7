#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Range ANS (rANS) with four interleaved 32-bit states and 16-bit
/// renormalisation (Duda 2013, section 3.4; Giesen, "Interleaved entropy
/// coders", arXiv:1402.3392, 2014, and his ryg_rans notes, 2014).
///
/// With total M = 2^tableLog, coding s (frequency f, cumulative c) maps a
/// state x to (x div f)·M + (x mod f) + c, and decoding inverts it from the
/// low tableLog bits of x. States live in [2^16, 2^32): before coding, the
/// encoder moves 16 low bits out while x ≥ 2^(32 − tableLog)·f, which keeps
/// the result below 2^32; the decoder reads 16 bits back whenever x falls
/// below 2^16. One word at most per symbol, since 2^(32 − tableLog) ≥ 2^17.
///
/// Symbol i belongs to state i mod 4: four independent dependency chains the
/// CPU can run side by side, sharing one word stream in the order the decoder
/// needs (the encoder, running backwards, writes it back to front).
public enum InterleavedRANS {
    public static let lowerBound: UInt32 = 1 << 16

    /// Codes `input` (not empty) with counts normalised at most to `maxTableLog`
    /// (≤ 15) and appends: table log (1 byte), counts header (byte-aligned bits),
    /// four final states (32-bit little-endian), then the 16-bit little-endian words.
    public static func encode(_ input: UnsafeRawBufferPointer, maxTableLog: Int, into out: inout ByteBuffer) throws(CodecError) {
        let freqs = try NormalizedFrequencies(of: input, maxTableLog: maxTableLog)
        try encode(input, frequencies: freqs, into: &out)
    }

    public static func encode(_ input: UnsafeRawBufferPointer, frequencies freqs: NormalizedFrequencies,
                              into out: inout ByteBuffer) throws(CodecError) {
        out.append(UInt8(freqs.tableLog))
        var header = BitWriter(continuing: &out)
        freqs.write(to: &header)
        header.finish(into: &out)
        let n = input.count
        let log = freqs.tableLog
        // Per symbol: frequency, cumulative, and the renormalisation bound 2^(32−log)·f (may be 2^32).
        var freq = [UInt32](repeating: 0, count: 256), cum = [UInt32](repeating: 0, count: 256)
        var bound = [UInt64](repeating: 0, count: 256)
        var c: UInt32 = 0
        for s in 0..<256 {
            freq[s] = freqs.counts[s]; cum[s] = c; c += freqs.counts[s]
            bound[s] = UInt64(freqs.counts[s]) << UInt64(32 - log)
        }
        let capacity = 2 * n + 16
        _ = out.withUnsafeAppendingSpace(maxCount: capacity) { region -> Int in
            guard let base = region.baseAddress?.assumingMemoryBound(to: UInt8.self),
                  let p = input.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return 0 }
            var w = base + capacity
            var x0 = lowerBound, x1 = lowerBound, x2 = lowerBound, x3 = lowerBound
            freq.withUnsafeBufferPointer { fb in cum.withUnsafeBufferPointer { cb in bound.withUnsafeBufferPointer { bb in
                guard let fq = fb.baseAddress, let cu = cb.baseAddress, let bd = bb.baseAddress else { return }
                @inline(__always) func put(_ x: inout UInt32, _ s: UInt8) {
                    let k = Int(s)
                    let f = fq[k]
                    if UInt64(x) >= bd[k] {
                        w -= 2
                        UnsafeMutableRawPointer(w).storeBytes(of: UInt16(truncatingIfNeeded: x).littleEndian, as: UInt16.self)
                        x &>>= 16
                    }
                    let q = x / f
                    x = (q &<< UInt32(log)) &+ (x &- q &* f) &+ cu[k]
                }
                var i = n
                while i & 3 != 0 {
                    i &-= 1
                    switch i & 3 {
                    case 0: put(&x0, p[i])
                    case 1: put(&x1, p[i])
                    default: put(&x2, p[i])
                    }
                }
                while i > 0 {
                    i &-= 4
                    put(&x3, p[i &+ 3])
                    put(&x2, p[i &+ 2])
                    put(&x1, p[i &+ 1])
                    put(&x0, p[i])
                }
            }}}
            return InterleavedRANS.finish(states: (x0, x1, x2, x3), below: w, base: base, capacity: capacity)
        }
    }

    /// Ends a stream written backwards from `base + capacity` down to `w`: the
    /// four final states go in front (little-endian 32-bit words, read first by
    /// the decoder), and the whole is moved to the start of the region. Shared
    /// by the static and the adaptive coder. Returns the bytes written.
    @usableFromInline
    static func finish(states: (UInt32, UInt32, UInt32, UInt32), below w: UnsafeMutablePointer<UInt8>,
                       base: UnsafeMutablePointer<UInt8>, capacity: Int) -> Int {
        let start = w - 16
        let raw = UnsafeMutableRawPointer(start)
        raw.storeBytes(of: states.0.littleEndian, toByteOffset: 0, as: UInt32.self)
        raw.storeBytes(of: states.1.littleEndian, toByteOffset: 4, as: UInt32.self)
        raw.storeBytes(of: states.2.littleEndian, toByteOffset: 8, as: UInt32.self)
        raw.storeBytes(of: states.3.littleEndian, toByteOffset: 12, as: UInt32.self)
        let written = base + capacity - start
        memmove(base, start, written)
        return written
    }

    /// Decodes a block written by `encode`: exactly `count` bytes to `dst`;
    /// a bad header, a start state below 2^16, a short or overlong word stream
    /// or final states other than 2^16 throw.
    public static func decode(_ input: UnsafeRawBufferPointer, count n: Int, into dst: UnsafeMutablePointer<UInt8>) throws(CodecError) {
        guard let first = input.first else { throw .truncated }
        let log = Int(first)
        var header = BitReader(UnsafeRawBufferPointer(rebasing: input[1...]))
        let freqs = try NormalizedFrequencies.read(from: &header, tableLog: log)
        try header.checkNotOverrun()
        let start = 1 + (header.bitPosition + 7) / 8
        guard start + 16 <= input.count, let base = input.baseAddress else { throw .truncated }
        let mask = UInt32((1 << log) - 1)
        // Slot → symbol; per symbol frequency and cumulative.
        var slots = [UInt8](repeating: 0, count: 1 << log)
        var freq = [UInt32](repeating: 0, count: 256), cum = [UInt32](repeating: 0, count: 256)
        var c = 0
        for s in 0..<256 {
            let f = Int(freqs.counts[s])
            freq[s] = UInt32(f); cum[s] = UInt32(c)
            for k in c..<(c + f) { slots[k] = UInt8(s) }
            c += f
        }
        func state(_ k: Int) throws(CodecError) -> UInt32 {
            let x = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: start + 4 * k, as: UInt32.self))
            guard x >= lowerBound else { throw .corrupt("rANS start state \(k) is \(x), below 2^16") }
            return x
        }
        var x0 = try state(0), x1 = try state(1), x2 = try state(2), x3 = try state(3)
        var p = base + start + 16
        let end = base + input.count
        var overrun = false
        slots.withUnsafeBufferPointer { sb in freq.withUnsafeBufferPointer { fb in cum.withUnsafeBufferPointer { cb in
            guard let sl = sb.baseAddress, let fq = fb.baseAddress, let cu = cb.baseAddress else { return }
            @inline(__always) func take(_ x: inout UInt32) -> UInt8 {
                let slot = x & mask
                let s = sl[Int(slot)]
                x = fq[Int(s)] &* (x &>> UInt32(log)) &+ slot &- cu[Int(s)]
                return s
            }
            // Checked read for the last words of the stream.
            @inline(__always) func refill(_ x: inout UInt32) {
                if x < lowerBound {
                    if end - p >= 2 {
                        x = x &<< 16 | UInt32(UInt16(littleEndian: p.loadUnaligned(as: UInt16.self)))
                        p += 2
                    } else {
                        x = x &<< 16
                        overrun = true
                    }
                }
            }
            @inline(__always) func fastRefill(_ x: inout UInt32) {
                if x < lowerBound {
                    x = x &<< 16 | UInt32(UInt16(littleEndian: p.loadUnaligned(as: UInt16.self)))
                    p += 2
                }
            }
            var o = 0
            while o &+ 4 <= n {
                dst[o] = take(&x0)
                dst[o &+ 1] = take(&x1)
                dst[o &+ 2] = take(&x2)
                dst[o &+ 3] = take(&x3)
                if end - p >= 8 {
                    fastRefill(&x0); fastRefill(&x1); fastRefill(&x2); fastRefill(&x3)
                } else {
                    refill(&x0); refill(&x1); refill(&x2); refill(&x3)
                }
                o &+= 4
            }
            while o < n {
                switch o & 3 {
                case 0: dst[o] = take(&x0); refill(&x0)
                case 1: dst[o] = take(&x1); refill(&x1)
                default: dst[o] = take(&x2); refill(&x2)
                }
                o &+= 1
            }
        }}}
        if overrun { throw .truncated }
        guard p == end else { throw .corrupt("rANS stream has \(end - p) bytes after the last symbol") }
        guard x0 == lowerBound, x1 == lowerBound, x2 == lowerBound, x3 == lowerBound else {
            throw .corrupt("rANS final states are not the encoder's initial state 2^16")
        }
    }
}
