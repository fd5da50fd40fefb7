/// What a `cm` level runs: which contexts, how large their tables may grow,
/// and which refinements follow the mixer. Part of the format: a payload
/// decodes only with the configuration that coded it (its first byte names
/// the level).
struct CMConfiguration: Sendable {
    /// The hashed contexts, each with its own table of nibble slots.
    var contexts: [CMContextKind]
    /// Bytes the match model hashes to find a repeat (0: no match model).
    var matchMinLength: Int
    /// A second mixer with weights chosen by the previous byte, averaged with the first.
    var secondMixer: Bool
    /// A third secondary estimation stage (order 2) after the two of every level.
    var thirdAPM: Bool
    /// The largest context table, as log2 of its 16-byte slots.
    var maxSlotBits: Int
    /// A third mixer (weights by how many contexts were seen before), joining the final mixer.
    var thirdMixer = false
    /// The match model's hash table, as log2 of its 4-byte entries.
    var maxMatchBits = 22

    /// The configuration with its tables capped at 2^cap slots each (`--mem`);
    /// the match table then holds no more bytes than one context table.
    func capped(slotBits cap: Int) -> CMConfiguration {
        var c = self
        c.maxSlotBits = Swift.min(maxSlotBits, cap)
        c.maxMatchBits = Swift.min(maxMatchBits, cap + 2)
        return c
    }

    static func level(_ level: Int) -> CMConfiguration {
        switch Swift.max(1, Swift.min(9, level)) {
        case 1:
            return CMConfiguration(contexts: [.order(2), .order(3), .order(4)],
                                   matchMinLength: 6, secondMixer: false, thirdAPM: false, maxSlotBits: 18)
        case 2:
            return CMConfiguration(contexts: [.order(2), .order(3), .order(4), .order(6)],
                                   matchMinLength: 6, secondMixer: false, thirdAPM: false, maxSlotBits: 19)
        case 3:
            return CMConfiguration(contexts: [.order(2), .order(3), .order(4), .order(6), .word],
                                   matchMinLength: 6, secondMixer: false, thirdAPM: false, maxSlotBits: 19)
        case 4:
            return CMConfiguration(contexts: [.order(2), .order(3), .order(4), .order(5), .order(6), .word],
                                   matchMinLength: 6, secondMixer: false, thirdAPM: false, maxSlotBits: 19)
        case 5:
            return CMConfiguration(contexts: [.order(2), .order(3), .order(4), .order(6), .word, .recordAbove],
                                   matchMinLength: 6, secondMixer: false, thirdAPM: false, maxSlotBits: 19)
        case 6:
            return CMConfiguration(contexts: [.order(2), .order(3), .order(4), .order(5), .order(6), .word, .wordPair],
                                   matchMinLength: 6, secondMixer: true, thirdAPM: true, maxSlotBits: 20)
        case 7:
            return CMConfiguration(contexts: [.order(2), .order(3), .order(4), .order(5), .order(6),
                                              .word, .wordPair, .sparseSkip1],
                                   matchMinLength: 7, secondMixer: true, thirdAPM: true, maxSlotBits: 20)
        case 8:
            return CMConfiguration(contexts: [.order(2), .order(3), .order(4), .order(5), .order(6),
                                              .word, .wordPair, .sparseSkip1, .sparseSkip2, .sparseAlternate, .recordAbove, .recordNeighbours],
                                   matchMinLength: 7, secondMixer: true, thirdAPM: true, maxSlotBits: 21)
        default:
            return CMConfiguration(contexts: [.order(2), .order(3), .order(4), .order(5), .order(6),
                                              .word, .wordPair, .sparseSkip1, .sparseSkip2, .sparseAlternate,
                                              .recordAbove, .recordNeighbours, .recordColumn, .indirect],
                                   matchMinLength: 7, secondMixer: true, thirdAPM: true, maxSlotBits: 21, thirdMixer: true)
        }
    }

    /// log2 of the slots each context table gets for a block of `n` bytes:
    /// two slots per byte (one per nibble) rounded up to a power of two, at
    /// least 2^12 and at most `maxSlotBits`, so small inputs start fast.
    func slotBits(blockSize n: Int) -> Int {
        var bits = Self.minSlotBits
        while bits < maxSlotBits, (1 << bits) < 2 * n { bits += 1 }
        return bits
    }

    /// The fewest slots a context table gets (2^12), whatever the memory bound.
    static let minSlotBits = 12

    /// The table cap (log2 of slots) under which a block of `n` bytes fits in
    /// `memory` bytes of model, or nil if the level's own tables already fit
    /// (the payload then names no cap). Never below `minSlotBits`: the
    /// smallest model is the floor (`CMCodec.memoryRange` starts above it).
    func slotBitsCap(memory: Int, blockSize n: Int) -> Int? {
        if modelMemory(blockSize: n) <= memory { return nil }
        var cap = slotBits(blockSize: n) - 1
        while cap > Self.minSlotBits, capped(slotBits: cap).modelMemory(blockSize: n) > memory { cap -= 1 }
        return Swift.max(Self.minSlotBits, cap)
    }

    /// log2 of the match model's hash table entries for a block of `n` bytes.
    func matchBits(blockSize n: Int) -> Int {
        var bits = 12
        while bits < maxMatchBits, (1 << bits) < n { bits += 1 }
        return bits
    }

    /// Bytes of model state for a block of `n` bytes (tables, maps, mixers),
    /// without the input, output and payload buffers.
    func modelMemory(blockSize n: Int) -> Int {
        let tables = contexts.count << (slotBits(blockSize: n) + 4)
        let match = matchMinLength > 0 ? 4 << matchBits(blockSize: n) : 0
        let direct = 65536 + 256
        let maps = (contexts.count + 2) * 256 * 4 + 1024
        let mixers = CMModel.maxInputs * 4 * (1024 + (secondMixer ? 2048 : 0) + (thirdMixer ? 256 : 0))
        let apms = 33 * 2 * (256 + 65536 + (thirdAPM ? 65536 : 0))
        return tables + match + direct + maps + mixers + apms + (64 << 10)
    }
}

/// One hashed context of the `cm` model.
enum CMContextKind: Sendable, Equatable {
    /// The last k bytes, k in 2…8 (orders 0 and 1 are direct tables in every level).
    case order(Int)
    /// The current word (letters, case-folded) and the byte before it.
    case word
    /// The current word and the word before it.
    case wordPair
    /// Bytes 2 and 3 back (skipping the last byte).
    case sparseSkip1
    /// Bytes 3 and 4 back.
    case sparseSkip2
    /// Bytes 1 and 3 back.
    case sparseAlternate
    /// The byte one record back (record length detected from repeating gaps) and the last byte.
    case recordAbove
    /// The byte one record back and its two neighbours.
    case recordNeighbours
    /// The bytes one and two records back and the last byte.
    case recordColumn
    /// The two bytes that followed the last occurrences of the last two bytes, and those two bytes
    /// (an indirect context, as in PAQ8).
    case indirect
}
