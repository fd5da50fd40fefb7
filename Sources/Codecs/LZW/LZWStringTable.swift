/// The LZW decoder's dictionary. Every string made after the first code is
/// "previous string + first byte of the current one", which already sits in
/// the output at the previous string's position: an entry is just (offset,
/// length) into the output, and decoding a code is a copy, like LZ77.
///
/// Checks every code against the dictionary (only the KwKwK code, equal to the
/// next free entry, may be unknown) and every copy against `originalCount`.
struct LZWStringTable: ~Copyable {
    /// Bytes the output region must have past `originalCount` (for the 16-byte copies).
    static let slack = 16
    let maxCodes: Int
    let maxBits: Int
    let originalCount: Int
    var offsets: UnsafeMutablePointer<Int>
    var lengths: UnsafeMutablePointer<Int>
    var nextCode = LZWCodec.firstFree
    var width = LZWCodec.minBits
    var top = 256
    /// Output position and length of the previous code's string; -1: none since CLEAR.
    var previousStart = -1
    var previousLength = 0
    var produced = 0

    init(maxBits: Int, originalCount: Int) {
        maxCodes = 1 << maxBits
        self.maxBits = maxBits
        self.originalCount = originalCount
        offsets = .allocate(capacity: maxCodes)
        lengths = .allocate(capacity: maxCodes)
    }

    deinit {
        offsets.deallocate()
        lengths.deallocate()
    }

    /// The width of the next code: enough bits for the largest value it can take.
    @inline(__always)
    mutating func nextWidth() -> Int {
        if top >= 1 << width && width < maxBits { width &+= 1 }
        return width
    }

    /// Decodes one code (read with `width` bits) into `dst` at `produced`.
    @inline(__always)
    mutating func decode(_ code: Int, into dst: UnsafeMutablePointer<UInt8>) throws(CodecError) {
        top &+= 1
        if code == LZWCodec.clearCode {
            nextCode = LZWCodec.firstFree
            width = LZWCodec.minBits
            top = 256
            previousStart = -1
            return
        }
        if previousStart >= 0 && nextCode < maxCodes {
            offsets[nextCode] = previousStart
            lengths[nextCode] = previousLength &+ 1
            nextCode &+= 1
        }
        let start = produced
        if code < 256 {
            guard start < originalCount else { throw .corrupt("LZW output longer than \(originalCount) bytes") }
            dst[start] = UInt8(truncatingIfNeeded: code)
            produced = start &+ 1
            previousStart = start
            previousLength = 1
            return
        }
        // After the entry for the previous code was added, a valid code is < nextCode.
        guard code < nextCode, previousStart >= 0 || code < 256 else {
            throw .corrupt("LZW code \(code) not yet in the dictionary at output byte \(start)")
        }
        let src = offsets[code], length = lengths[code]
        guard length <= originalCount &- start else { throw .corrupt("LZW output longer than \(originalCount) bytes") }
        if src &+ length <= start {
            // 16 bytes at a time into the slack past the string (the caller's region is
            // `slack` bytes longer than `originalCount`): beats a memmove call per code.
            // Loads that run past the string's source read only bytes at or after `start`,
            // whose copies land past the string and are overwritten later.
            let from = UnsafeRawPointer(dst + src), to = UnsafeMutableRawPointer(dst + start)
            var k = 0
            while k < length {
                let a = from.loadUnaligned(fromByteOffset: k, as: UInt64.self)
                let b = from.loadUnaligned(fromByteOffset: k &+ 8, as: UInt64.self)
                to.storeBytes(of: a, toByteOffset: k, as: UInt64.self)
                to.storeBytes(of: b, toByteOffset: k &+ 8, as: UInt64.self)
                k &+= 16
            }
        } else {
            // KwKwK: the string overlaps its own copy; byte by byte, forwards.
            var k = 0
            while k < length { dst[start &+ k] = dst[src &+ k]; k &+= 1 }
        }
        produced = start &+ length
        previousStart = start
        previousLength = length
    }
}
