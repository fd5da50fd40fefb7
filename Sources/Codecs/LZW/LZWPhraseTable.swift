/// The LZW parser's dictionary: (prefix code, next byte) → code of that string.
/// Two layouts: `LZWHashTable` (exact, any width) and `LZWCompactHashTable`
/// (one 32-bit cell per slot, up to 16-bit codes, for speed). A table owns its
/// arrays and frees them in `deinit`.
protocol LZWPhraseTable: ~Copyable {
    /// The code of prefix + byte, or -1 (remembering where it would go).
    mutating func find(_ prefix: Int, _ byte: Int) -> Int
    /// Stores the string of the last failed `find` as `code`. A table may drop
    /// it (the compact one past its probe limit); the parse stays valid, since
    /// an encoder may always emit shorter phrases than the decoder could take.
    mutating func insertMissed(_ code: Int)
    /// Forgets every string (CLEAR).
    mutating func removeAll()
}
