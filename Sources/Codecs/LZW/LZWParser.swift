/// The LZW parse shared by `lzw` and `lzw-arith`: greedy longest-prefix
/// matching over a dictionary kept in an open-addressing hash table keyed by
/// (prefix code, next byte), O(1) expected per input byte (Welch 1984).
///
/// `emit(code, width)` receives every code with the width the decoder will
/// read it at; `bitCount()` says how many bits were produced so far, for the
/// ratio monitor that decides when to send CLEAR (as `compress` does).
enum LZWParser {

    /// The parse over the exact table (what `lzw-arith` needs).
    @inline(__always)
    static func parse(_ input: UnsafeRawBufferPointer, maxBits: Int, resetMargin: Int = 1024,
                      emit: (Int, Int) -> Void, bitCount: () -> Int) {
        if maxBits <= 16 {
            var table = LZWHashTable<UInt16>(maxBits: maxBits)
            parse(input, maxBits: maxBits, resetMargin: resetMargin, table: &table, emit: emit, bitCount: bitCount)
        } else {
            var table = LZWHashTable<UInt32>(maxBits: maxBits)
            parse(input, maxBits: maxBits, resetMargin: resetMargin, table: &table, emit: emit, bitCount: bitCount)
        }
    }

    @inline(__always)
    static func parse<Table: LZWPhraseTable & ~Copyable>(
        _ input: UnsafeRawBufferPointer, maxBits: Int, resetMargin: Int, table: inout Table,
        emit: (Int, Int) -> Void, bitCount: () -> Int
    ) {
        guard let p = input.baseAddress?.assumingMemoryBound(to: UInt8.self), input.count > 0 else { return }
        let n = input.count
        let maxCodes = 1 << maxBits
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
            let code = table.find(prefix, c)
            if code >= 0 { prefix = code; continue }
            if top >= 1 << width && width < maxBits { width &+= 1 }
            emit(prefix, width)
            top &+= 1
            if nextCode < maxCodes {
                table.insertMissed(nextCode)
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
                    table.removeAll()
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
