/// Collects the parse of one block as the four streams of the format:
/// literals, tokens, offset codes and extra bits. Frees its buffers in `deinit`.
@usableFromInline
struct LZFastSequenceStore: ~Copyable {
    @usableFromInline let src: UnsafePointer<UInt8>
    @usableFromInline let srcCount: Int
    @usableFromInline let literals: UnsafeMutablePointer<UInt8>
    @usableFromInline var literalCount = 0
    @usableFromInline let tokens: UnsafeMutablePointer<UInt8>
    @usableFromInline let offsetCodes: UnsafeMutablePointer<UInt8>
    @usableFromInline var sequenceCount = 0
    @usableFromInline var extras: LZFastBitWriter
    /// The offsets codes 0 and 1 repeat: the last one and the one before
    /// (a different one); the decoder starts from the same 1 and 4.
    @usableFromInline var rep = 1
    @usableFromInline var rep1 = 4

    /// Room for a block of `n` bytes: every sequence holds a match of at least 4 bytes.
    init(src: UnsafePointer<UInt8>, count n: Int) {
        self.src = src
        srcCount = n
        literals = .allocate(capacity: n + 32)
        let maxSequences = n / LZFastCodes.minMatch + 1
        tokens = .allocate(capacity: maxSequences)
        offsetCodes = .allocate(capacity: maxSequences)
        extras = LZFastBitWriter(capacity: n / 4 + 64)
    }

    deinit {
        literals.deallocate()
        tokens.deallocate()
        offsetCodes.deallocate()
    }

    /// One sequence: the literals src[start ..< start + literalLength], then
    /// a match of `length` ≥ 4 bytes at distance `offset`.
    @inline(__always) @usableFromInline
    mutating func add(literalsFrom start: Int, count ll: Int, offset: Int, length: Int) {
        // Literals with 16-byte copies (the buffer has 32 bytes of slack)
        // while the source has 16 bytes to spare.
        let from = UnsafeRawPointer(src + start), to = UnsafeMutableRawPointer(literals + literalCount)
        if start &+ ll &+ 16 <= srcCount {
            var i = 0
            repeat {
                to.storeBytes(of: from.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self), toByteOffset: i, as: SIMD16<UInt8>.self)
                i &+= 16
            } while i < ll
        } else {
            to.copyMemory(from: from, byteCount: ll)
        }
        literalCount &+= ll
        let mv = length &- LZFastCodes.minMatch
        let lc = LZFastCodes.lengthCode(ll), mc = LZFastCodes.lengthCode(mv)
        tokens[sequenceCount] = UInt8(truncatingIfNeeded: lc &<< 4 | mc)
        extras.ensure(16)
        if lc >= 8 { extras.writeLengthExtra(ll, code: lc) }
        if offset == rep {
            offsetCodes[sequenceCount] = 0
        } else if offset == rep1 {
            offsetCodes[sequenceCount] = 1
            rep1 = rep
            rep = offset
        } else {
            let w = offset.bitWidthFloorFast
            offsetCodes[sequenceCount] = UInt8(truncatingIfNeeded: w &+ 2)
            extras.write(UInt64(truncatingIfNeeded: offset) ^ (1 &<< UInt64(truncatingIfNeeded: w)), w)
            rep1 = rep
            rep = offset
        }
        if mc >= 8 { extras.writeLengthExtra(mv, code: mc) }
        sequenceCount &+= 1
    }
}
