/// The LZW parse shared by `lzw` and `lzw-arith`: greedy longest-prefix
/// matching over a dictionary kept in an open-addressing hash table keyed by
/// (prefix code, next byte), O(1) expected per input byte (Welch 1984).
///
/// `emit(code, width)` receives every code with the width the decoder will
/// read it at; `bitCount()` says how many bits were produced so far, for the
/// ratio monitor that decides when to send CLEAR (as `compress` does).
enum LZWParser {

    @inline(__always)
    static func parse(_ input: UnsafeRawBufferPointer, maxBits: Int, resetMargin: Int = 1024,
                      emit: (Int, Int) -> Void, bitCount: () -> Int) {
        // 16-bit codes halve the code array: the table is what misses the cache.
        if maxBits <= 16 {
            parse(input, maxBits: maxBits, resetMargin: resetMargin, codeType: UInt16.self, emit: emit, bitCount: bitCount)
        } else {
            parse(input, maxBits: maxBits, resetMargin: resetMargin, codeType: UInt32.self, emit: emit, bitCount: bitCount)
        }
    }

    @inline(__always)
    static func parse<Code: FixedWidthInteger & UnsignedInteger>(
        _ input: UnsafeRawBufferPointer, maxBits: Int, resetMargin: Int, codeType: Code.Type,
        emit: (Int, Int) -> Void, bitCount: () -> Int
    ) {
        guard let p = input.baseAddress?.assumingMemoryBound(to: UInt8.self), input.count > 0 else { return }
        let n = input.count
        let maxCodes = 1 << maxBits
        // Load factor ≤ 1/2: short probe runs in a table small enough to stay mostly in L2.
        let tableBits = maxBits + 1
        let mask = (1 << tableBits) - 1
        // keys[h] = (prefix << 8 | byte) + 1, 0 = empty; codes[h] = the string's code.
        let keys = UnsafeMutablePointer<UInt32>.allocate(capacity: mask + 1)
        let codes = UnsafeMutablePointer<Code>.allocate(capacity: mask + 1)
        defer { keys.deallocate(); codes.deallocate() }
        keys.initialize(repeating: 0, count: mask + 1)

        var nextCode = LZWCodec.firstFree
        var width = LZWCodec.minBits
        var top = 256            // largest value the next code can take
        var checkpoint = LZWCodec.checkGap
        var lastRatio = 0
        var prefix = Int(p[0])
        var i = 1
        while i < n {
            let c = Int(p[i])
            i &+= 1
            let key = UInt32(truncatingIfNeeded: (prefix &<< 8 | c) &+ 1)
            var h = Int(truncatingIfNeeded: (key &* 0x9E37_79B1) >> UInt32(32 &- tableBits)) & mask
            var found = false
            while true {
                let k = keys[h]
                if k == key { prefix = Int(codes[h]); found = true; break }
                if k == 0 { break }
                h = (h &+ 1) & mask
            }
            if found { continue }
            if top >= 1 << width && width < maxBits { width &+= 1 }
            emit(prefix, width)
            top &+= 1
            if nextCode < maxCodes {
                keys[h] = key
                codes[h] = Code(truncatingIfNeeded: nextCode)
                nextCode &+= 1
            } else if i - 1 >= checkpoint {
                // Dictionary full: keep it while the cumulative ratio (input bytes per output
                // bit, as `compress` measures it) has not fallen by more than 1/1024 since the
                // last check. The margin absorbs rounding noise (on book1 a strict test resets
                // needlessly and costs 5%); wider margins miss the useful resets on bible.txt.
                checkpoint = i - 1 + LZWCodec.checkGap
                let ratio = ((i - 1) << 11) / Swift.max(1, bitCount())
                if ratio > lastRatio &* (resetMargin &- 1) / resetMargin {
                    lastRatio = ratio
                } else {
                    if top >= 1 << width && width < maxBits { width &+= 1 }
                    emit(LZWCodec.clearCode, width)
                    lastRatio = 0
                    keys.update(repeating: 0, count: mask + 1)
                    nextCode = LZWCodec.firstFree
                    width = LZWCodec.minBits
                    top = 256
                }
            }
            prefix = c
        }
        if top >= 1 << width && width < maxBits { width &+= 1 }
        emit(prefix, width)
    }
}
