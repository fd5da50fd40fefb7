import BitIO

/// Knobs of the LZ77 parse (Ziv & Lempel 1977): how far back to look, how
/// hard to search, and whether to defer a match by one byte (lazy matching,
/// as in deflate: RFC 1951 §4).
public struct LZ77Parameters: Sendable, Hashable {
    /// log2 of the largest distance a match may have.
    public var windowLog: Int
    /// How many earlier positions with the same hash are compared at most.
    public var chainDepth: Int
    /// Look one byte ahead before taking a match, and take the later one if longer.
    public var lazy: Bool
    /// A match this long is taken at once, without searching further.
    public var niceLength: Int
    /// The longest match the back end can code.
    public var maxLength: Int
    /// log2 of the number of hash heads.
    public var hashLog: Int
    /// Matches of exactly 3 bytes farther than this are not worth their distance.
    public var maxDistanceForLength3: Int
    /// 0: the greedy or lazy parse over hash chains. k > 0: the cost-based
    /// parse over a binary tree (`chainDepth` nodes a position), k shortest-path
    /// passes a segment (one more on the first).
    public var optimalPasses: Int
    /// After a deferred match this long, the next search walks a quarter of
    /// the chain (zlib's good_length).
    public var goodLength: Int
    /// 3: one hash chain per 3-byte hash. 4: chains per 4-byte hash, and the
    /// newest position of each 3-byte hash for matches of 3.
    public var hashBytes: Int

    public init(windowLog: Int, chainDepth: Int, lazy: Bool, niceLength: Int, maxLength: Int,
                hashLog: Int = 16, maxDistanceForLength3: Int = 1 << 14, optimalPasses: Int = 0,
                goodLength: Int = 32, hashBytes: Int = 3) {
        self.windowLog = Swift.min(26, Swift.max(8, windowLog))
        self.chainDepth = Swift.max(1, chainDepth)
        self.maxLength = Swift.max(LZ77Parse.minMatch, maxLength)
        self.niceLength = Swift.min(self.maxLength, Swift.max(LZ77Parse.minMatch, niceLength))
        self.lazy = lazy
        self.hashLog = Swift.min(22, Swift.max(8, hashLog))
        self.maxDistanceForLength3 = maxDistanceForLength3
        self.optimalPasses = Swift.max(0, optimalPasses)
        self.goodLength = goodLength
        self.hashBytes = hashBytes == 4 ? 4 : 3
    }

    /// The payloads of `lz77-elias` and `lz77-huffman` open with the window's log2 in one byte.
    static let windowLogRange = 8...26

    /// Checks a bit-stream lz77 payload's window byte and returns a reader of
    /// the bits after it, or nil for an empty block.
    static func payloadBits(_ input: UnsafeRawBufferPointer, originalCount: Int) throws(CodecError) -> BitReader? {
        guard originalCount >= 0 else { throw .invalidParameter("negative original size") }
        guard let first = input.first else { throw .truncated }
        guard windowLogRange.contains(Int(first)) else {
            throw .corrupt("LZ77 window 2^\(first) outside 2^\(windowLogRange.lowerBound)...2^\(windowLogRange.upperBound)")
        }
        guard originalCount > 0 else { return nil }
        return BitReader(UnsafeRawBufferPointer(rebasing: input[1...]))
    }
}
