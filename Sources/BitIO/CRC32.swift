/// CRC-32 (IEEE 802.3 polynomial, reflected, as in gzip and PNG), computed
/// sixteen bytes at a time with sixteen derived tables ("slicing-by-16").
/// The tables are generated at first use from the polynomial. Checksums of
/// consecutive pieces combine without reading the bytes again
/// (`append(checksum:count:)`), so a frame's whole-content checksum costs
/// nothing beyond its blocks' own.
public struct CRC32: Sendable {
    public private(set) var value: UInt32 = 0

    public init() {}

    /// Checksum of `bytes` in one call.
    public static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var c = CRC32()
        c.update(bytes)
        return c.value
    }

    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { checksum($0) }
    }

    static let polynomial: UInt32 = 0xEDB8_8320

    /// Table k maps a byte to the CRC of that byte followed by k zero bytes.
    static let tables: [UInt32] = {
        var t = [UInt32](repeating: 0, count: 16 * 256)
        for i in 0..<256 {
            var c = UInt32(i)
            for _ in 0..<8 { c = (c & 1) != 0 ? (c >> 1) ^ polynomial : c >> 1 }
            t[i] = c
        }
        for k in 1..<16 {
            for i in 0..<256 {
                let prev = t[(k - 1) * 256 + i]
                t[k * 256 + i] = (prev >> 8) ^ t[Int(prev & 0xFF)]
            }
        }
        return t
    }()

    // MARK: Combining

    /// a·b mod P in GF(2)[x], both in the reflected order of the register
    /// (the top bit is the coefficient of x^0).
    static func multiplyModP(_ a: UInt32, _ b: UInt32) -> UInt32 {
        var product: UInt32 = 0
        var a = a, b = b
        while a != 0 {
            if a & 0x8000_0000 != 0 { product ^= b }
            a <<= 1
            b = (b & 1) != 0 ? (b >> 1) ^ polynomial : b >> 1   // b·x
        }
        return product
    }

    /// x^(2^k) mod P for k = 0…63, by repeated squaring from x.
    static let powersOfX: [UInt32] = {
        var p = [UInt32](repeating: 0, count: 64)
        p[0] = 0x4000_0000
        for k in 1..<64 { p[k] = multiplyModP(p[k - 1], p[k - 1]) }
        return p
    }()

    /// The checksum of this checksum's bytes followed by `count` bytes whose
    /// own checksum is `checksum`, without those bytes: appending n bytes
    /// multiplies the register by x^(8n) and adds their CRC (the initial and
    /// final inversions cancel). O(log count) multiplications.
    public mutating func append(checksum: UInt32, count: Int) {
        precondition(count >= 0, "a byte count cannot be negative")
        var shifted = value
        var bits = UInt64(count) << 3
        var k = 0
        while bits != 0 {
            if bits & 1 != 0 { shifted = CRC32.multiplyModP(shifted, CRC32.powersOfX[k]) }
            bits >>= 1
            k += 1
        }
        value = shifted ^ checksum
    }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        var c = ~value
        var i = 0
        let n = bytes.count
        CRC32.tables.withUnsafeBufferPointer { t in
            while i + 16 <= n {
                let w0 = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: i, as: UInt32.self)) ^ c
                let w1 = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: i + 4, as: UInt32.self))
                let w2 = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: i + 8, as: UInt32.self))
                let w3 = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: i + 12, as: UInt32.self))
                c = t[15 * 256 + Int(w0 & 0xFF)] ^ t[14 * 256 + Int((w0 >> 8) & 0xFF)]
                  ^ t[13 * 256 + Int((w0 >> 16) & 0xFF)] ^ t[12 * 256 + Int(w0 >> 24)]
                  ^ t[11 * 256 + Int(w1 & 0xFF)] ^ t[10 * 256 + Int((w1 >> 8) & 0xFF)]
                  ^ t[9 * 256 + Int((w1 >> 16) & 0xFF)] ^ t[8 * 256 + Int(w1 >> 24)]
                  ^ t[7 * 256 + Int(w2 & 0xFF)] ^ t[6 * 256 + Int((w2 >> 8) & 0xFF)]
                  ^ t[5 * 256 + Int((w2 >> 16) & 0xFF)] ^ t[4 * 256 + Int(w2 >> 24)]
                  ^ t[3 * 256 + Int(w3 & 0xFF)] ^ t[2 * 256 + Int((w3 >> 8) & 0xFF)]
                  ^ t[1 * 256 + Int((w3 >> 16) & 0xFF)] ^ t[Int(w3 >> 24)]
                i += 16
            }
            while i < n {
                c = (c >> 8) ^ t[Int((c ^ UInt32(base.load(fromByteOffset: i, as: UInt8.self))) & 0xFF)]
                i += 1
            }
        }
        value = ~c
    }
}
