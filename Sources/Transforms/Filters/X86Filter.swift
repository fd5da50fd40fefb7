/// The E8/E9 (call/jmp rel32) transform for x86-64 machine code: a call's
/// 32-bit displacement is relative to the next instruction, so calls to one
/// function from many places carry many different displacements; made
/// absolute (displacement + position), they repeat and an LZ or BWT coder
/// finds them. Positions count from the start of the block, so blocks stay independent.
///
/// Only displacements whose high byte is 0x00 or 0xFF (|d| < 2^24, the range
/// real near calls fall in) are converted, and the sum is wrapped to the same
/// 25-bit signed range, so a converted value passes the same test and the
/// inverse sees exactly the positions the forward pass converted.
///
/// Every E8/E9 the scan lands on owns the four bytes after it, converted or
/// not: the scan resumes five bytes later. Both directions then visit the
/// same positions whatever the bytes hold, because no byte that decides
/// anything is changed by another position's conversion; the inverse is a
/// bijection on all inputs, so any bytes are a valid filtered block. An
/// opcode whose four bytes would cross the block end is left alone.
public enum X86Filter {
    /// Forward (encode) in place.
    public static func encode(_ data: UnsafeMutableRawBufferPointer) {
        transform(data, forward: true)
    }

    /// Inverse (decode) in place.
    public static func decode(_ data: UnsafeMutableRawBufferPointer) {
        transform(data, forward: false)
    }

    @inline(__always)
    static func transform(_ data: UnsafeMutableRawBufferPointer, forward: Bool) {
        let n = data.count
        guard n >= 5, let p = data.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        var i = 0
        let last = n - 5
        while i <= last {
            let op = p[i]
            if op & 0xFE != 0xE8 { i &+= 1; continue }
            let high = p[i &+ 4]
            if high == 0x00 || high == 0xFF {
                let v = UInt32(p[i &+ 1]) | UInt32(p[i &+ 2]) << 8 | UInt32(p[i &+ 3]) << 16 | UInt32(high) << 24
                // Next-instruction offset; blocks are at most 2^28 bytes, so it fits.
                let at = UInt32(truncatingIfNeeded: i &+ 5)
                let sum = forward ? v &+ at : v &- at
                // Keep 25 bits and sign-extend from bit 24: the high byte is 0x00 or 0xFF again.
                let low25 = sum & 0x01FF_FFFF
                let out = low25 & 0x0100_0000 != 0 ? low25 | 0xFE00_0000 : low25
                p[i &+ 1] = UInt8(truncatingIfNeeded: out)
                p[i &+ 2] = UInt8(truncatingIfNeeded: out >> 8)
                p[i &+ 3] = UInt8(truncatingIfNeeded: out >> 16)
                p[i &+ 4] = UInt8(truncatingIfNeeded: out >> 24)
            }
            i &+= 5
        }
    }

    /// A cheap signature of x86 code in `data`: of the E8 bytes with room for a
    /// displacement, the share whose displacement's high byte is 0x00 or 0xFF
    /// (random data: about 2/256), and E8 bytes per KiB. Code has both high.
    public static func signature(_ data: UnsafeRawBufferPointer) -> (plausibleShare: Double, perKiB: Double) {
        let n = data.count
        guard n >= 5, let p = data.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return (0, 0) }
        var calls = 0
        var plausible = 0
        for i in 0...(n - 5) where p[i] == 0xE8 {
            calls &+= 1
            let h = p[i &+ 4]
            if h == 0 || h == 0xFF { plausible &+= 1 }
        }
        return (calls == 0 ? 0 : Double(plausible) / Double(calls), Double(calls) * 1024 / Double(n))
    }
}
