/// An adaptive probability that the next bit is 1, in 16 bits, updated by a
/// shift: p += (1 − p)/2^s after a 1, p −= p/2^s after a 0 — the exponential
/// forgetting counter of binary arithmetic coders (as in the Q-coder family
/// and LZMA). With s ≥ 4 the value stays in 15...65521, always a valid
/// `RangeEncoder.encodeBit` probability.
public struct AdaptiveBitProbability: Sendable, Equatable {
    public var value: UInt16

    public init(value: UInt16 = 1 << 15) { self.value = value }

    @inlinable @inline(__always)
    public mutating func update(_ bit: Bool, shift: Int = 4) {
        let p = UInt32(value)
        value = bit ? UInt16(p &+ ((65536 &- p) &>> UInt32(shift))) : UInt16(p &- (p &>> UInt32(shift)))
    }
}
