/// The decoder's match copy. Overlapping copies (distance < length) repeat
/// the last `distance` bytes, which is how LZ77 codes runs.
enum LZ77Copy {
    /// Copies `length` bytes from `at − distance` to `at`; the caller has
    /// checked 1 ≤ distance ≤ at and at + length ≤ the region's end.
    @inline(__always)
    static func copy(_ dst: UnsafeMutablePointer<UInt8>, at: Int, distance: Int, length: Int) {
        let to = dst + at
        let from = to - distance
        if distance >= length {
            to.update(from: from, count: length)
        } else if distance >= 8 {
            // Non-overlapping 8-byte steps: each chunk's source lies wholly before its target.
            var k = 0
            let raw = UnsafeMutableRawPointer(to)
            while k &+ 8 <= length {
                raw.storeBytes(of: UnsafeRawPointer(from + k).loadUnaligned(as: UInt64.self), toByteOffset: k, as: UInt64.self)
                k &+= 8
            }
            while k < length { to[k] = from[k]; k &+= 1 }
        } else {
            var k = 0
            while k < length { to[k] = from[k]; k &+= 1 }
        }
    }

    /// Bytes a `copyWild` may write past the end of its match.
    static let slack = 16

    /// `copy` in whole 16- or 8-byte chunks, writing up to `slack` − 1 bytes
    /// past `at + length` (later output overwrites them): no call to memmove
    /// for the short matches that make up most of a block. The caller has
    /// checked 1 ≤ distance ≤ at and at + length ≤ the region's end, and the
    /// region has `slack` bytes to spare after its end.
    @inline(__always)
    static func copyWild(_ dst: UnsafeMutablePointer<UInt8>, at: Int, distance: Int, length: Int) {
        let to = UnsafeMutableRawPointer(dst + at)
        let from = UnsafeRawPointer(to - distance)
        var k = 0
        if distance >= 16 {
            // A chunk's source ends at or before its target starts, and any of it
            // inside this match was written by an earlier chunk.
            repeat {
                to.storeBytes(of: from.loadUnaligned(fromByteOffset: k, as: UInt64.self), toByteOffset: k, as: UInt64.self)
                to.storeBytes(of: from.loadUnaligned(fromByteOffset: k &+ 8, as: UInt64.self), toByteOffset: k &+ 8, as: UInt64.self)
                k &+= 16
            } while k < length
        } else if distance >= 8 {
            repeat {
                to.storeBytes(of: from.loadUnaligned(fromByteOffset: k, as: UInt64.self), toByteOffset: k, as: UInt64.self)
                k &+= 8
            } while k < length
        } else {
            let t = dst + at, f = t - distance
            while k < length { t[k] = f[k]; k &+= 1 }
        }
    }
}
