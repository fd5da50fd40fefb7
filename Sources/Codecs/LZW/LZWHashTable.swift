/// Two-byte strings in a direct array; longer ones by open addressing with
/// linear probing at load ≤ 1/2: `keys[h]` = (prefix << 8
/// | byte) + 1 (0 = empty), `codes[h]` its code. Never drops a string, so the
/// parse is exactly greedy LZW (`lzw-arith`'s exclusions rely on that).
/// `Code` is UInt16 up to 16-bit codes: a smaller table misses the cache less.
struct LZWHashTable<Code: FixedWidthInteger & UnsignedInteger>: LZWPhraseTable, ~Copyable {
    let tableBits: Int
    let mask: Int
    let keys: UnsafeMutablePointer<UInt32>
    let codes: UnsafeMutablePointer<Code>
    /// Strings of two bytes, indexed directly (0 = absent): every phrase starts with one
    /// such lookup, and this small array stays in cache.
    let pairs: UnsafeMutablePointer<Code>
    /// Slot for `insertMissed`; -1 - i for pairs[i].
    var missSlot = 0
    var missKey: UInt32 = 0

    init(maxBits: Int) {
        tableBits = maxBits + 1
        mask = (1 << tableBits) - 1
        keys = .allocate(capacity: mask + 1)
        keys.initialize(repeating: 0, count: mask + 1)
        codes = .allocate(capacity: mask + 1)
        pairs = .allocate(capacity: 1 << 16)
        pairs.initialize(repeating: 0, count: 1 << 16)
    }

    deinit { keys.deallocate(); codes.deallocate(); pairs.deallocate() }

    @inline(__always)
    mutating func find(_ prefix: Int, _ byte: Int) -> Int {
        if prefix < 256 {
            let slot = prefix &<< 8 | byte
            let code = pairs[slot]
            if code != 0 { return Int(code) }
            missSlot = -1 &- slot
            return -1
        }
        let key = UInt32(truncatingIfNeeded: (prefix &<< 8 | byte) &+ 1)
        var h = Int(truncatingIfNeeded: (key &* 0x9E37_79B1) >> UInt32(truncatingIfNeeded: 32 &- tableBits)) & mask
        while true {
            let k = keys[h]
            if k == key { return Int(codes[h]) }
            if k == 0 { break }
            h = (h &+ 1) & mask
        }
        missSlot = h
        missKey = key
        return -1
    }

    @inline(__always)
    mutating func insertMissed(_ code: Int) {
        if missSlot >= 0 {
            keys[missSlot] = missKey
            codes[missSlot] = Code(truncatingIfNeeded: code)
        } else {
            pairs[-1 &- missSlot] = Code(truncatingIfNeeded: code)
        }
    }

    mutating func removeAll() {
        keys.update(repeating: 0, count: mask + 1)
        pairs.update(repeating: 0, count: 1 << 16)
    }
}
