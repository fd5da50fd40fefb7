import BitIO
import TestSupport

/// Runs `body` with a reader over `bytes`.
func withReader<T>(_ bytes: [UInt8], _ body: (inout BitReader) -> T) -> T {
    bytes.withUnsafeBytes { raw in
        var r = BitReader(raw)
        return body(&r)
    }
}

/// The bits `body` writes, as a string of 0 and 1.
func bitString(_ body: (inout BitWriter) -> Void) -> String {
    var w = BitWriter()
    body(&w)
    let n = w.bitCount
    let bytes = w.finish().bytes
    var s = ""
    for i in 0..<n {
        let bit = (bytes[i >> 3] >> (7 - UInt8(i & 7))) & 1
        s.append(bit == 1 ? "1" : "0")
    }
    return s
}

/// Packs a string of 0 and 1 MSB-first into bytes (zero-padded).
func bytes(fromBits s: String) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: (s.count + 7) / 8)
    for (i, c) in s.enumerated() where c == "1" { out[i >> 3] |= 0x80 >> UInt8(i & 7) }
    return out
}

/// Bit `i` (MSB-first) of `bytes`, zero past the end: the reference model of the reader.
func referenceBit(_ bytes: [UInt8], _ i: Int) -> UInt64 {
    i >> 3 < bytes.count ? UInt64((bytes[i >> 3] >> (7 - UInt8(i & 7))) & 1) : 0
}

func referenceField(_ bytes: [UInt8], at start: Int, count: Int) -> UInt64 {
    var v: UInt64 = 0
    for i in 0..<count { v = v << 1 | referenceBit(bytes, start + i) }
    return v
}

func mask(_ count: Int) -> UInt64 { count >= 64 ? .max : (1 << UInt64(count)) - 1 }

/// ⌊log2 n⌋ by repeated halving (independent of the library's leading-zero count).
func slowFloorLog2(_ n: UInt64) -> Int {
    var l = 0
    var v = n
    while v > 1 { v /= 2; l += 1 }
    return l
}
