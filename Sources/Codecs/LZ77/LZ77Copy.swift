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
}
