/// `lz77`: the strongest LZ77 of the package. A binary-tree match finder
/// feeds a cost-based parse (`LZ77OptimalParser`) whose tokens — literals,
/// new matches, matches at the four most recent distances, one-byte repeats —
/// are coded bit by bit with adaptive probabilities in context
/// (`LZ77ArithModel`). The window is the whole block up to 2^`windowLog`
/// bytes (4 MiB through level 6, 16 MiB above; default blocks are 4, 8 and
/// 16 MiB), which bounds the encoder's memory (`encoderMemory`).
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
        /// log2 of the match finder's ring: matches reach back at most 2^windowLog − 1
        /// bytes, and the finder keeps 8 bytes per position of it (not of the block).
        public var windowLog: Int
        /// Level 9: weigh other literal and position contexts (and `shortMatches`) on the
        /// block's first `sampleBytes`, or on the whole of a shorter block, and code under the winner.
        public var chooseContexts: Bool
        /// The parse also weighs each position's nearest 2-byte match (the tree finds 3 bytes
        /// or more). It pays on tables and binaries and costs on text and DNA, so level 9
        /// tries it per block (with `chooseContexts`) rather than always.
        public var shortMatches: Bool

        public init(cut: Int, nice: Int, horizon: Int = 1024, literalBits: Int = 3, positionBits: Int = 2,
                    windowLog: Int = 24, chooseContexts: Bool = false, shortMatches: Bool = false) {
            self.cut = Swift.max(1, cut)
            self.nice = Swift.min(LZ77ArithModel.maxLength, Swift.max(8, nice))
            self.horizon = Swift.min(1 << 14, Swift.max(64, horizon))
            self.literalBits = Swift.min(8, Swift.max(0, literalBits))
            self.positionBits = Swift.min(2, Swift.max(0, positionBits))
            self.windowLog = Swift.min(30, Swift.max(16, windowLog))
            self.chooseContexts = chooseContexts
            self.shortMatches = shortMatches
        }
    }

    public let settings: Settings

    public init(settings: Settings) { self.settings = settings }
    public init(level: Int) { self.init(settings: Self.settings(level: level)) }

    /// Levels 1…9: tree walk 4 → 256 nodes, nice length 16 → 273; level 9
    /// also picks each block's literal and position contexts (`chooseContexts`). The 4 MiB
    /// window through level 6 keeps the default (8 MiB blocks) inside
    /// 4 × block × threads + 64 MiB of memory (docs/ARCHIVE.md); a whole
    /// 8 MiB window would cost 64 MiB of links per block being coded.
    public static func settings(level: Int) -> Settings {
        let l = Swift.min(9, Swift.max(1, level))
        let cut = [4, 6, 8, 12, 16, 24, 48, 96, 256][l - 1]
        let nice = [16, 24, 32, 40, 48, 64, 128, 192, 273][l - 1]
        return Settings(cut: cut, nice: nice, horizon: l >= 7 ? 2048 : 1024, windowLog: l >= 7 ? 24 : 22,
                        chooseContexts: l == 9)
    }

    /// log2 of the head table for a block of `count` bytes.
    static func hashLog(count: Int) -> Int { Swift.min(20, Swift.max(12, Int.bitWidth - count.leadingZeroBitCount - 1)) }

    /// Bytes the encoder allocates for a block of `count` bytes besides the
    /// block and the coded output: match finder (head table and link ring),
    /// probabilities and the parser's arrays. Tests hold it to a bound.
    public func encoderMemory(count: Int) -> Int {
        let s = settings
        let parserNodes = s.horizon + 2 * LZ77ArithModel.maxLength + 3
        let parser = parserNodes * (4 + 4 + 4 + 4 + 1 + 16 + 16 + 4) + 8 * (LZ77ArithModel.maxLength + 1)
            + 2 * 4 * LZ77ArithModel.maxPosStates * (LZ77ArithModel.maxLength + 1)
            + (s.shortMatches || s.chooseContexts ? 4 << 16 : 0)
        // Choosing the contexts may code under lc = 8 (the samples are coded, and freed, before the block).
        let literalBits = s.chooseContexts ? Self.contextCandidates.reduce(s.literalBits) { Swift.max($0, $1.0) } : s.literalBits
        return BinaryTreeMatchFinder.memoryBytes(count: count, hashLog: Self.hashLog(count: count), windowLog: s.windowLog)
            + 2 * LZ77ArithModel.probabilityCount(literalContexts: 1 << literalBits) + parser
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
    /// With `chooseContexts`, a block longer than `sampleBytes` has its start
    /// coded under each of `contextCandidates` first, and is coded under the
    /// pair that wins there clearly, then with and without `shortMatches`
    /// under that pair, keeping the smaller; a shorter block is coded whole
    /// with and without `shortMatches` and the smaller kept.
    func encode(_ input: UnsafeRawBufferPointer, into out: inout ByteBuffer, trace: inout [LZ77ArithToken]?) throws(CodecError) {
        var s = settings
        if s.chooseContexts && trace == nil && input.count <= Self.sampleBytes {
            let mark = out.count
            var none: [LZ77ArithToken]?
            try encode(input, into: &out, settings: s, trace: &none)
            if let other = try otherShortMatches(input, s, ifSmallerThan: out.count - mark) {
                out.truncate(to: mark)
                try other.coded.withUnsafeBytes { (b) throws(CodecError) in out.append(contentsOf: b) }
            }
            return
        }
        if s.chooseContexts && trace == nil && input.count > Self.sampleBytes {
            let sample = UnsafeRawBufferPointer(rebasing: input[0..<Self.sampleBytes])
            var none: [LZ77ArithToken]?
            func size(_ lc: Int, _ pb: Int) throws(CodecError) -> Int {
                var t = s
                t.literalBits = lc
                t.positionBits = pb
                var trial = ByteBuffer()
                try encode(sample, into: &trial, settings: t, trace: &none)
                return trial.count
            }
            let reference = try size(s.literalBits, s.positionBits)
            var best = (lc: s.literalBits, pb: s.positionBits, count: reference - reference / Self.sampleMargin)
            for (lc, pb) in Self.contextCandidates where lc != s.literalBits || pb != s.positionBits {
                let count = try size(lc, pb)
                if count < best.count { best = (lc, pb, count) }
            }
            s.literalBits = best.lc
            s.positionBits = best.pb
            let plain = best.lc == settings.literalBits && best.pb == settings.positionBits ? reference : best.count
            if let other = try otherShortMatches(sample, s, ifSmallerThan: plain) { s = other.settings }
        }
        try encode(input, into: &out, settings: s, trace: &trace)
    }

    /// Level 9's trial of the other `shortMatches` setting: `input` coded under
    /// `s` with `shortMatches` flipped, and those settings, if that comes to
    /// fewer than `count` bytes (what `s` itself gave); else nil.
    func otherShortMatches(_ input: UnsafeRawBufferPointer, _ s: Settings,
                           ifSmallerThan count: Int) throws(CodecError) -> (settings: Settings, coded: ByteBuffer)? {
        var t = s
        t.shortMatches = !s.shortMatches
        var none: [LZ77ArithToken]?
        var coded = ByteBuffer()
        try encode(input, into: &coded, settings: t, trace: &none)
        return coded.count < count ? (t, coded) : nil
    }

    /// Bytes from a block's start that level 9 codes under each pair of contexts.
    public static let sampleBytes = 128 << 10
    /// Another pair must save more than 1/200 (0.5%) of the default's bytes on
    /// the sample: the rest of the block may not follow it.
    static let sampleMargin = 200

    /// The (lc, pb) pairs level 9 weighs besides the default (3, 2): no literal
    /// context (DNA, sampled images), position-free contexts, and the whole
    /// previous byte (tables, spreadsheets). The header byte carries the choice.
    static let contextCandidates: [(Int, Int)] = [(0, 2), (0, 0), (3, 0), (8, 0)]

    func encode(_ input: UnsafeRawBufferPointer, into out: inout ByteBuffer, settings s: Settings,
                trace: inout [LZ77ArithToken]?) throws(CodecError) {
        out.append(UInt8(s.literalBits | s.positionBits << 4))
        let n = input.count
        guard n > 0, let p = input.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        guard n < Int(Int32.max) else { throw .limitExceeded("lz77 block of \(n) bytes") }
        let hashLog = Self.hashLog(count: n)
        let ring = BinaryTreeMatchFinder.ringPositions(count: n, windowLog: s.windowLog)
        var head = [Int32](repeating: -1, count: 1 << hashLog)
        var links = [Int32](repeating: -1, count: 2 * ring)
        var probs = LZ77ArithModel.initialProbabilities(literalContexts: 1 << s.literalBits)
        var parser = LZ77OptimalParser(horizon: s.horizon, shortMatches: s.shortMatches)
        // The coder takes the caller's buffer as its only owner: a second
        // reference would make its first write copy the whole capacity.
        var start = ByteBuffer()
        swap(&start, &out)
        out = head.withUnsafeMutableBufferPointer { hb in
            links.withUnsafeMutableBufferPointer { lb in
                probs.withUnsafeMutableBufferPointer { pb in
                    let finder = BinaryTreeMatchFinder(
                        p: p, n: n, head: hb.baseAddress!, links: lb.baseAddress!,
                        hashShift: UInt32(32 - hashLog), mask: (1 << s.windowLog) - 1,
                        window: Swift.min(n, (1 << s.windowLog) - 1), cut: s.cut, nice: s.nice,
                        maxLength: LZ77ArithModel.maxLength)
                    var encoder = LZ77ArithEncoder(appendingTo: Self.take(&start), probs: pb.baseAddress!, input: p,
                                                   literalBits: s.literalBits, positionBits: s.positionBits)
                    encoder.trace = trace
                    parser.run(finder, encoder: &encoder, nice: s.nice)
                    trace = encoder.trace
                    return encoder.finish()
                }
            }
        }
    }

    /// `b`'s contents, leaving it empty (so the result is the storage's only reference).
    static func take(_ b: inout ByteBuffer) -> ByteBuffer {
        var r = ByteBuffer()
        swap(&r, &b)
        return r
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
        let written = try out.withUnsafeAppendingSpace(maxCount: originalCount + LZ77Copy.slack) { (region) throws(CodecError) -> Int in
            guard let dst = region.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return 0 }
            try decoder.decode(into: dst, count: originalCount, inputCount: body.count)
            return originalCount
        }
        try decoder.coder.finish()
        guard written == originalCount else { throw .truncated }
    }
}
