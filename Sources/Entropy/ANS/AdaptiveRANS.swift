#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Adaptive order-0 byte model for rANS: counts grow as symbols are coded and
/// the coding frequencies (summing to 2^15, every byte at least 1) are
/// recomputed from them after every `period` symbols, the period doubling
/// from 16 to 1024 so early statistics take effect fast. Counts are halved
/// when their total reaches 2^16, which bounds them and lets the model follow
/// drifting statistics. Integer-only and deterministic: the decoder repeats
/// every update exactly.
///
/// rANS needs the frequencies of each symbol at coding time, but codes
/// backwards; the encoder therefore runs the model forwards first and keeps
/// (cumulative, frequency) per symbol (Giesen's ryg_rans notes discuss this
/// for adaptive models; Duda 2013, section 3.4).
public struct AdaptiveOrder0Model: Sendable {
    public static let totalLog = 15
    public static let total: UInt32 = 1 << 15
    static let countLimit: UInt32 = 1 << 16
    static let firstPeriod = 16, lastPeriod = 1024
    /// Coarse slot → symbol index: slot >> 7 → first symbol that can own it.
    static let coarseShift: UInt32 = 7

    public private(set) var counts = [UInt32](repeating: 0, count: 256)
    public private(set) var countTotal: UInt32 = 0
    /// Coding frequencies and cumulative frequencies (257 entries, last = 2^15).
    public private(set) var freq = [UInt32](repeating: 128, count: 256)
    public private(set) var cum = [UInt32]((0...256).map { UInt32($0 * 128) })
    var coarse = [UInt8]((0..<256).map { UInt8($0) })
    var untilRefresh = firstPeriod
    var period = firstPeriod

    public init() {}

    /// Counts `s` and refreshes the frequencies when the period is over.
    @inline(__always)
    public mutating func update(_ s: UInt8) {
        counts[Int(s)] &+= 1
        countTotal &+= 1
        untilRefresh &-= 1
        if untilRefresh == 0 { refresh() }
    }

    mutating func refresh() {
        if countTotal >= Self.countLimit {
            var t: UInt32 = 0
            for s in 0..<256 { counts[s] >>= 1; t += counts[s] }
            countTotal = t
        }
        period = Swift.min(Self.lastPeriod, period * 2)
        untilRefresh = period
        guard countTotal > 0 else { return }
        let spare = UInt64(Self.total - 256)
        var sum: UInt32 = 0
        var top = 0
        for s in 0..<256 {
            let c = counts[s]
            if c > counts[top] { top = s }
            let f = 1 + UInt32(UInt64(c) * spare / UInt64(countTotal))
            freq[s] = f
            sum += f
        }
        freq[top] += Self.total - sum
        var c: UInt32 = 0
        for s in 0..<256 { cum[s] = c; c += freq[s] }
        cum[256] = c
        var s = 0
        for j in 0..<256 {
            let slot = UInt32(j) << Self.coarseShift
            while cum[s + 1] <= slot { s += 1 }
            coarse[j] = UInt8(s)
        }
    }

    /// The symbol owning `slot` (< 2^15).
    @inline(__always)
    public func symbol(at slot: UInt32) -> UInt8 {
        var s = Int(coarse[Int(slot >> Self.coarseShift)])
        while cum[s &+ 1] <= slot { s &+= 1 }
        return UInt8(truncatingIfNeeded: s)
    }
}

/// Adaptive order-0 rANS: `AdaptiveOrder0Model` driving four interleaved
/// 32-bit rANS states with 16-bit renormalisation (the same state machine as
/// `InterleavedRANS`). Format: four final states (32-bit little-endian), then
/// 16-bit little-endian words. No table is sent: the decoder learns as it goes.
public enum AdaptiveRANS {
    static let lowerBound: UInt32 = 1 << 16
    static let log = UInt32(AdaptiveOrder0Model.totalLog)

    public static func encode(_ input: UnsafeRawBufferPointer, into out: inout ByteBuffer) {
        let n = input.count
        guard let p = input.baseAddress?.assumingMemoryBound(to: UInt8.self), n > 0 else { return }
        // Forward: the model's (cumulative << 16 | frequency) for each symbol.
        var plan = [UInt32](repeating: 0, count: n)
        var model = AdaptiveOrder0Model()
        plan.withUnsafeMutableBufferPointer { pb in
            guard let q = pb.baseAddress else { return }
            for i in 0..<n {
                let s = Int(p[i])
                q[i] = model.cum[s] << 16 | model.freq[s]
                model.update(p[i])
            }
        }
        let capacity = 2 * n + 16
        _ = out.withUnsafeAppendingSpace(maxCount: capacity) { region -> Int in
            guard let base = region.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return 0 }
            var w = base + capacity
            var x0 = lowerBound, x1 = lowerBound, x2 = lowerBound, x3 = lowerBound
            plan.withUnsafeBufferPointer { pb in
                guard let q = pb.baseAddress else { return }
                @inline(__always) func put(_ x: inout UInt32, _ e: UInt32) {
                    let f = e & 0xFFFF
                    if UInt64(x) >= UInt64(f) << (32 - UInt64(log)) {
                        w -= 2
                        UnsafeMutableRawPointer(w).storeBytes(of: UInt16(truncatingIfNeeded: x).littleEndian, as: UInt16.self)
                        x &>>= 16
                    }
                    let d = x / f
                    x = (d &<< log) &+ (x &- d &* f) &+ (e &>> 16)
                }
                var i = n
                while i & 3 != 0 {
                    i &-= 1
                    switch i & 3 {
                    case 0: put(&x0, q[i])
                    case 1: put(&x1, q[i])
                    default: put(&x2, q[i])
                    }
                }
                while i > 0 {
                    i &-= 4
                    put(&x3, q[i &+ 3]); put(&x2, q[i &+ 2]); put(&x1, q[i &+ 1]); put(&x0, q[i])
                }
            }
            return InterleavedRANS.finish(states: (x0, x1, x2, x3), below: w, base: base, capacity: capacity)
        }
    }

    /// Decodes exactly `count` bytes; a short or overlong stream, a start state
    /// below 2^16 or final states other than 2^16 throw.
    public static func decode(_ input: UnsafeRawBufferPointer, count n: Int, into dst: UnsafeMutablePointer<UInt8>) throws(CodecError) {
        guard n > 0 else {
            guard input.isEmpty else { throw .corrupt("adaptive rANS stream of \(input.count) bytes for no symbols") }
            return
        }
        guard input.count >= 16, let base = input.baseAddress else { throw .truncated }
        func state(_ k: Int) throws(CodecError) -> UInt32 {
            let x = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: 4 * k, as: UInt32.self))
            guard x >= lowerBound else { throw .corrupt("adaptive rANS start state \(k) is \(x), below 2^16") }
            return x
        }
        var xs = (try state(0), try state(1), try state(2), try state(3))
        var p = base + 16
        let end = base + input.count
        var overrun = false
        var model = AdaptiveOrder0Model()
        let mask = AdaptiveOrder0Model.total - 1
        @inline(__always) func step(_ x: inout UInt32) -> UInt8 {
            let slot = x & mask
            let s = model.symbol(at: slot)
            x = model.freq[Int(s)] &* (x &>> log) &+ slot &- model.cum[Int(s)]
            if x < lowerBound {
                if end - p >= 2 {
                    x = x &<< 16 | UInt32(UInt16(littleEndian: p.loadUnaligned(as: UInt16.self)))
                    p += 2
                } else {
                    x = x &<< 16
                    overrun = true
                }
            }
            model.update(s)
            return s
        }
        var o = 0
        while o &+ 4 <= n {
            dst[o] = step(&xs.0)
            dst[o &+ 1] = step(&xs.1)
            dst[o &+ 2] = step(&xs.2)
            dst[o &+ 3] = step(&xs.3)
            o &+= 4
        }
        while o < n {
            switch o & 3 {
            case 0: dst[o] = step(&xs.0)
            case 1: dst[o] = step(&xs.1)
            default: dst[o] = step(&xs.2)
            }
            o &+= 1
        }
        if overrun { throw .truncated }
        guard p == end else { throw .corrupt("adaptive rANS stream has \(end - p) bytes after the last symbol") }
        guard xs.0 == lowerBound, xs.1 == lowerBound, xs.2 == lowerBound, xs.3 == lowerBound else {
            throw .corrupt("adaptive rANS final states are not the encoder's initial state 2^16")
        }
    }
}
