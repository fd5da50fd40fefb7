/// `lz77`: the strongest LZ77 of the package. A binary-tree match finder
/// feeds a cost-based parse (`LZ77OptimalParser`) whose tokens — literals,
/// new matches, matches at the four most recent distances, one-byte repeats —
/// are coded bit by bit with adaptive probabilities in context
/// (`LZ77ArithModel`). Windows are the whole block (4–16 MiB by level).
///
/// Format: one byte `literalBits | positionBits << 4` (lc ≤ 8, pb ≤ 2), then
/// the range coder's bytes. The block's size is known to the decoder; there
/// is no end marker.
public struct LZ77ArithCodec: Codec {
    public struct Settings: Sendable, Hashable {
        /// Binary-tree nodes visited per position.
        public var cut: Int
        /// A match this long is taken without weighing alternatives.
        public var nice: Int
        /// Longest stretch one shortest-path search covers.
        public var horizon: Int
        /// High bits of the previous byte in the literal context (lc).
        public var literalBits: Int
        /// Low position bits in the token contexts (pb).
        public var positionBits: Int

        public init(cut: Int, nice: Int, horizon: Int = 1024, literalBits: Int = 3, positionBits: Int = 2) {
            self.cut = Swift.max(1, cut)
            self.nice = Swift.min(LZ77ArithModel.maxLength, Swift.max(8, nice))
            self.horizon = Swift.min(1 << 14, Swift.max(64, horizon))
            self.literalBits = Swift.min(8, Swift.max(0, literalBits))
            self.positionBits = Swift.min(2, Swift.max(0, positionBits))
        }
    }

    public let settings: Settings

    public init(settings: Settings) { self.settings = settings }
    public init(level: Int) { self.init(settings: Self.settings(level: level)) }

    /// Levels 1…9: tree walk 4 → 256 nodes, nice length 16 → 273.
    public static func settings(level: Int) -> Settings {
        let l = Swift.min(9, Swift.max(1, level))
        let cut = [4, 6, 8, 12, 16, 24, 48, 96, 256][l - 1]
        let nice = [16, 24, 32, 40, 48, 64, 128, 192, 273][l - 1]
        return Settings(cut: cut, nice: nice, horizon: l >= 7 ? 2048 : 1024)
    }

    public static let descriptor = CodecDescriptor(
        name: "lz77", id: 5,
        summary: "LZ77 (binary tree, optimal parse, repeat distances) with context-modelled binary arithmetic coding",
        levels: Array(1...9), defaultLevel: 6,
        blockSize: { $0 >= 7 ? 1 << 24 : ($0 >= 4 ? 1 << 23 : 1 << 22) },
        make: { LZ77ArithCodec(level: $0) })

    public func encode(_ input: UnsafeRawBufferPointer, into out: inout ByteBuffer) throws(CodecError) {
        var trace: [LZ77ArithToken]?
        try encode(input, into: &out, trace: &trace)
    }

    /// Encodes `input` as `encode` does and returns every token the parse chose with
    /// what it really cost in the range coder (for `squeeze explain lz77`).
    public func trace(_ input: UnsafeRawBufferPointer, into out: inout ByteBuffer) throws(CodecError) -> [LZ77ArithToken] {
        var trace: [LZ77ArithToken]? = []
        try encode(input, into: &out, trace: &trace)
        return trace ?? []
    }

    /// `trace` nil: plain encoding; otherwise the tokens are appended to it.
    func encode(_ input: UnsafeRawBufferPointer, into out: inout ByteBuffer, trace: inout [LZ77ArithToken]?) throws(CodecError) {
        let s = settings
        out.append(UInt8(s.literalBits | s.positionBits << 4))
        let n = input.count
        guard n > 0, let p = input.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        guard n < Int(Int32.max) else { throw .limitExceeded("lz77 block of \(n) bytes") }
        let hashLog = Swift.min(20, Swift.max(12, Int.bitWidth - n.leadingZeroBitCount - 1))
        var head = [Int32](repeating: -1, count: 1 << hashLog)
        var links = [Int32](repeating: -1, count: 2 * n)
        var probs = LZ77ArithModel.initialProbabilities(literalContexts: 1 << s.literalBits)
        var parser = LZ77OptimalParser(horizon: s.horizon)
        let start = out
        out = ByteBuffer()
        out = head.withUnsafeMutableBufferPointer { hb in
            links.withUnsafeMutableBufferPointer { lb in
                probs.withUnsafeMutableBufferPointer { pb in
                    let finder = BinaryTreeMatchFinder(
                        p: p, n: n, head: hb.baseAddress!, links: lb.baseAddress!,
                        hashShift: UInt32(32 - hashLog), window: n, cut: s.cut, nice: s.nice,
                        maxLength: LZ77ArithModel.maxLength)
                    var encoder = LZ77ArithEncoder(appendingTo: start, probs: pb.baseAddress!, input: p,
                                                   literalBits: s.literalBits, positionBits: s.positionBits)
                    encoder.trace = trace
                    parser.run(finder, encoder: &encoder, nice: s.nice)
                    trace = encoder.trace
                    return encoder.finish()
                }
            }
        }
    }

    public func decode(_ input: UnsafeRawBufferPointer, originalCount: Int, into out: inout ByteBuffer) throws(CodecError) {
        guard originalCount >= 0 else { throw .invalidParameter("negative original size") }
        guard let first = input.first else { throw .truncated }
        let literalBits = Int(first & 15), positionBits = Int(first >> 4)
        guard literalBits <= 8, positionBits <= 2 else { throw .corrupt("lz77: header byte \(first) has lc > 8 or pb > 2") }
        guard originalCount > 0 else { return }
        let probabilityCount = LZ77ArithModel.probabilityCount(literalContexts: 1 << literalBits)
        let probs = UnsafeMutablePointer<UInt16>.allocate(capacity: probabilityCount)
        probs.initialize(repeating: 1 << 15, count: probabilityCount)
        defer { probs.deallocate() }
        let body = UnsafeRawBufferPointer(rebasing: input[1...])
        var decoder = LZ77ArithDecoder(coder: RangeDecoder(body), probs: probs,
                                       literalBits: literalBits, positionMask: (1 << positionBits) - 1)
        let written = try out.withUnsafeAppendingSpace(maxCount: originalCount) { (region) throws(CodecError) -> Int in
            guard let dst = region.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return 0 }
            try decoder.decode(into: dst, count: originalCount, inputCount: body.count)
            return originalCount
        }
        try decoder.coder.finish()
        guard written == originalCount else { throw .truncated }
    }
}
