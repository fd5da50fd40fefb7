/// The LZW dictionary for codes of at most 16 bits: two-byte strings in a
/// direct 128 KB array, longer ones in 2^17 32-bit cells (512 KB, load ≤ 1/2),
/// so a lookup touches one cache line and the tables mostly stay in L2 — the
/// parse is bound by the latency of these loads.
///
/// Quotienting (Cleary 1984, "Compact hash tables using bidirectional linear
/// probing"): the 24-bit key prefix << 8 | byte is mixed by a bijection
/// (multiplication by an odd constant mod 2^24);
/// the top 17 bits are the home slot, and the cell keeps only the low 7 bits
/// and the distance from home, which together with the slot give back the
/// key. Cell: 1 (occupied) | 7 remainder bits | 8 distance bits | 16-bit code.
/// A string that would land more than 255 slots from home is not stored.
struct LZWCompactHashTable: LZWPhraseTable, ~Copyable {
    static let tableBits = 17
    static let mask = (1 << tableBits) - 1
    let cells: UnsafeMutablePointer<UInt32>
    /// Strings of two bytes, indexed directly (0 = absent): every phrase starts with one
    /// such lookup, and 128 KB of them stay in cache.
    let pairs: UnsafeMutablePointer<UInt16>
    /// Slot and tag for `insertMissed`; slot -1 when past the probe limit, -2 - i for pairs[i].
    var missSlot = -1
    var missTag: UInt32 = 0

    init() {
        cells = .allocate(capacity: Self.mask + 1)
        cells.initialize(repeating: 0, count: Self.mask + 1)
        pairs = .allocate(capacity: 1 << 16)
        pairs.initialize(repeating: 0, count: 1 << 16)
    }

    deinit { cells.deallocate(); pairs.deallocate() }

    @inline(__always)
    mutating func find(_ prefix: Int, _ byte: Int) -> Int {
        if prefix < 256 {
            let slot = prefix &<< 8 | byte
            let code = pairs[slot]
            if code != 0 { return Int(code) }
            missSlot = -2 &- slot
            return -1
        }
        let mixed = (UInt32(truncatingIfNeeded: prefix &<< 8 | byte) &* 0x9E37_79B1) & 0xFF_FFFF
        var h = Int(truncatingIfNeeded: mixed &>> 7)
        // Occupied bit, remainder, distance 0; the expected tag grows by 1 per probe.
        var tag: UInt32 = 0x8000 | (mixed & 0x7F) &<< 8
        while true {
            let cell = cells[h]
            if cell &>> 16 == tag { return Int(truncatingIfNeeded: cell & 0xFFFF) }
            if cell == 0 { missSlot = h; missTag = tag; return -1 }
            if tag & 0xFF == 0xFF { missSlot = -1; return -1 }
            tag &+= 1
            h = (h &+ 1) & Self.mask
        }
    }

    @inline(__always)
    mutating func insertMissed(_ code: Int) {
        if missSlot >= 0 {
            cells[missSlot] = missTag &<< 16 | UInt32(truncatingIfNeeded: code)
        } else if missSlot < -1 {
            pairs[-2 &- missSlot] = UInt16(truncatingIfNeeded: code)
        }
    }

    mutating func removeAll() {
        cells.update(repeating: 0, count: Self.mask + 1)
        pairs.update(repeating: 0, count: 1 << 16)
    }
}
