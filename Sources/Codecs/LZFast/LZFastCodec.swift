/// LZ77 for speed (Ziv & Lempel 1977): a hash-table match finder whose
/// sequences (literal run, match length, offset) are split into four streams,
/// literals, tokens and offset codes each coded order-0 with tANS (`TANS`,
/// Duda 2013) and the extra bits left raw, so the decoder does one table
/// lookup per byte of each coded stream and then a copy loop with wide,
/// branch-light copies. The layout follows the idea of zstd's
/// (Collet & Kucherawy, RFC 8878) with codes of our own; see docs/FORMAT.md.
///
/// Levels: 1–2 one probe per position (`fast`), 3–4 two tables (`double`,
/// 3 is the default), 5–9 hash chains of growing depth with lazy matching.
public struct LZFastCodec: Codec {
    public enum Strategy: Sendable { case fast, double, lazy }

    public struct Parameters: Sendable {
        public var strategy: Strategy
        /// log2 of the (first) hash table's entries.
        public var hashLog: Int
        /// log2 of the second table (`double`: keyed by 8 bytes) or of the chain (`lazy`).
        public var secondLog: Int
        /// Bytes hashed by the first table.
        public var hashBytes: Int
        /// Skipping speeds up by one byte per 2^skipLog literals without a match.
        public var skipLog: Int
        /// Chain candidates tried (`lazy`).
        public var depth: Int
        /// Positions ahead a lazy parser looks (1 or 2).
        public var lazySteps: Int
        /// A chain search stops at a match this long (`lazy`).
        public var enough: Int
        /// `fast`, `double`: a repeat match shorter than this is compared with
        /// the table's matches at the same place (0: the repeat always wins).
        public var shortRepeat: Int = 0
        /// `fast`, `double`: bits a new offset's token and code are reckoned to
        /// cost, so that matches saving less are refused (0: none refused).
        public var matchOverhead: Int = 0
        /// `double`: after a refused match, skip by one byte per 2^this literals.
        public var rejectSkipLog: Int = 6
    }

    public let level: Int
    public let parameters: Parameters

    public init(level: Int) {
        self.level = Swift.min(9, Swift.max(1, level))
        switch self.level {
        // Level 1 keeps 2^16 entries on every block: 2^14 or 2^13 (zstd -1's
        // sizes) gave 1-5% larger output with 7-byte hashes, above zstd -1 on
        // Calgary and large, for at most 5% speed; a table sized from the block
        // (2^ceil(log2(n/4))) changed neither (the parse's time goes to the
        // match-end branches, not the table's cache misses).
        // Levels 1-4: a repeat shorter than 12 bytes yields to a table match
        // ending 3 bytes past it, and unprofitable matches are refused
        // (docs/FAST.md: kennedy.xls, E.coli).
        case 1: parameters = Parameters(strategy: .fast, hashLog: 16, secondLog: 0, hashBytes: 7, skipLog: 6, depth: 1, lazySteps: 0, enough: 0,
                                        shortRepeat: 12, matchOverhead: 8)
        case 2: parameters = Parameters(strategy: .fast, hashLog: 17, secondLog: 0, hashBytes: 7, skipLog: 6, depth: 1, lazySteps: 0, enough: 0,
                                        shortRepeat: 12, matchOverhead: 8)
        case 3: parameters = Parameters(strategy: .double, hashLog: 17, secondLog: 18, hashBytes: 5, skipLog: 8, depth: 1, lazySteps: 0, enough: 0,
                                        shortRepeat: 12, matchOverhead: 7, rejectSkipLog: 4)
        case 4: parameters = Parameters(strategy: .double, hashLog: 18, secondLog: 19, hashBytes: 5, skipLog: 8, depth: 1, lazySteps: 0, enough: 0,
                                        shortRepeat: 12, matchOverhead: 7, rejectSkipLog: 4)
        case 5: parameters = Parameters(strategy: .lazy, hashLog: 17, secondLog: 18, hashBytes: 4, skipLog: 10, depth: 8, lazySteps: 1, enough: 32)
        case 6: parameters = Parameters(strategy: .lazy, hashLog: 18, secondLog: 19, hashBytes: 4, skipLog: 10, depth: 16, lazySteps: 1, enough: 48)
        case 7: parameters = Parameters(strategy: .lazy, hashLog: 18, secondLog: 19, hashBytes: 4, skipLog: 10, depth: 16, lazySteps: 2, enough: 64)
        case 8: parameters = Parameters(strategy: .lazy, hashLog: 18, secondLog: 20, hashBytes: 4, skipLog: 10, depth: 32, lazySteps: 2, enough: 128)
        default: parameters = Parameters(strategy: .lazy, hashLog: 19, secondLog: 21, hashBytes: 4, skipLog: 10, depth: 64, lazySteps: 2, enough: 256)
        }
    }

    public static let descriptor = CodecDescriptor(
        name: "lzfast", id: 18,
        summary: "fast LZ77: hash match finder (1-2 one probe, 3-4 two tables, 5-9 lazy chains), tANS-coded literals and sequences",
        levels: Array(1...9), defaultLevel: 3, strongestLevel: 9,
        blockSize: { _ in 1 << 22 },
        make: { LZFastCodec(level: $0) },
        // Output, literals, tokens and offset codes, tANS tables.
        decodeMemory: { _, n in 2 * n + (1 << 20) })

    /// Blocks below this size are stored: no parse pays for its headers there.
    static let minimumParsed = 32
    /// First byte of a block.
    enum Mode: UInt8 { case raw = 0, single = 1, sequences = 2 }
    /// First byte of a stream inside a `sequences` block.
    enum StreamKind: UInt8 { case raw = 0, tans = 1, single = 2 }

    public func encode(_ input: UnsafeRawBufferPointer, into out: inout ByteBuffer) throws(CodecError) {
        let n = input.count
        guard n < Int(Int32.max) else { throw .limitExceeded("lzfast block of \(n) bytes (at most 2^31 - 1)") }
        let start = out.count
        guard n > 0, let src = input.baseAddress?.assumingMemoryBound(to: UInt8.self) else {
            out.append(Mode.raw.rawValue)
            return
        }
        var same = 1
        while same < n && src[same] == src[0] { same &+= 1 }
        if same == n {
            out.append(Mode.single.rawValue)
            out.append(src[0])
            return
        }
        if n >= Self.minimumParsed {
            var store = LZFastSequenceStore(src: src, count: n)
            let finder = LZFastMatchFinder(src: src, count: n)
            let p = parameters
            // Literal cost for refusing matches; a cost no match can fail when off.
            let litCost = p.matchOverhead > 0 ? finder.literalCost() : 1 << 20
            let anchor: Int
            switch p.strategy {
            case .fast: anchor = finder.parseFast(&store, hashLog: p.hashLog, hashBytes: p.hashBytes, skipLog: p.skipLog, shortRepeat: p.shortRepeat, litCost: litCost, overhead: p.matchOverhead)
            case .double: anchor = finder.parseDouble(&store, longLog: p.secondLog, shortLog: p.hashLog, shortBytes: p.hashBytes, skipLog: p.skipLog, shortRepeat: p.shortRepeat, litCost: litCost, overhead: p.matchOverhead, rejectSkipLog: p.rejectSkipLog)
            case .lazy: anchor = finder.parseLazy(&store, hashLog: p.hashLog, chainLog: p.secondLog, depth: p.depth, lazySteps: p.lazySteps, enough: p.enough)
            }
            // The last literals, after the last match.
            (store.literals + store.literalCount).update(from: src + anchor, count: n - anchor)
            store.literalCount += n - anchor
            if store.sequenceCount > 0 {
                out.reserve(n / 2 + 64)
                out.append(Mode.sequences.rawValue)
                Self.appendVarint(store.sequenceCount, to: &out)
                Self.appendVarint(store.literalCount, to: &out)
                try Self.appendStream(UnsafeRawBufferPointer(start: store.literals, count: store.literalCount), tableLog: 12, to: &out)
                try Self.appendStream(UnsafeRawBufferPointer(start: store.tokens, count: store.sequenceCount), tableLog: 11, to: &out)
                try Self.appendStream(UnsafeRawBufferPointer(start: store.offsetCodes, count: store.sequenceCount), tableLog: 10, to: &out)
                out.append(contentsOf: UnsafeRawBufferPointer(start: store.extras.base, count: store.extras.finishedCount))
                if out.count - start < n + 1 { return }
                out.truncate(to: start)
            }
        }
        out.append(Mode.raw.rawValue)
        out.append(contentsOf: input)
    }

    static func appendVarint(_ v: Int, to out: inout ByteBuffer) {
        var v = UInt64(v)
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    /// A stream as its kind byte and body: tANS when that is smaller than the
    /// bytes themselves (a 4-byte little-endian length first), else raw. One
    /// normalisation at a table of at most 2^tableLog (smaller for short
    /// streams): its set-up is a fixed cost per block that small blocks feel.
    static func appendStream(_ s: UnsafeRawBufferPointer, tableLog: Int, to out: inout ByteBuffer) throws(CodecError) {
        guard let p = s.baseAddress?.assumingMemoryBound(to: UInt8.self), s.count > 0 else {
            out.append(StreamKind.raw.rawValue)
            return
        }
        var same = 1
        while same < s.count && p[same] == p[0] { same &+= 1 }
        if same == s.count {
            out.append(StreamKind.single.rawValue)
            out.append(p[0])
            return
        }
        let at = out.count
        if s.count >= 64 {
            out.append(StreamKind.tans.rawValue)
            out.appendLittleEndian(UInt32(0))
            // Short streams get smaller tables: quicker to build on both sides,
            // at little cost where the counts are few anyway.
            let log = Swift.min(tableLog, Swift.max(8, s.count.bitWidthFloorFast - 3))
            try TANS.encode(s, maxTableLog: log, into: &out)
            let body = out.count - at - 5
            if body < s.count {
                out.withUnsafeMutableStorage { m in
                    m.storeBytes(of: UInt32(body).littleEndian, toByteOffset: at + 1, as: UInt32.self)
                }
                return
            }
            out.truncate(to: at)
        }
        out.append(StreamKind.raw.rawValue)
        out.append(contentsOf: s)
    }

    public func decode(_ input: UnsafeRawBufferPointer, originalCount n: Int, into out: inout ByteBuffer) throws(CodecError) {
        guard n >= 0 else { throw .invalidParameter("negative original size") }
        guard let first = input.first else { throw .truncated }
        guard let mode = Mode(rawValue: first) else {
            throw .unsupported("lzfast block mode \(first) (this build reads 0 raw, 1 single, 2 sequences)")
        }
        let body = UnsafeRawBufferPointer(rebasing: input[1...])
        switch mode {
        case .raw:
            guard body.count == n else {
                throw body.count < n ? .truncated : .corrupt("raw lzfast block holds \(body.count) bytes, expected \(n)")
            }
            out.append(contentsOf: body)
        case .single:
            guard body.count == 1 else { throw body.isEmpty ? .truncated : .corrupt("lzfast single-byte block of \(body.count) bytes, expected 1") }
            let written = out.withUnsafeAppendingSpace(maxCount: n) { region -> Int in
                region.initializeMemory(as: UInt8.self, repeating: body[0])
                return n
            }
            guard written == n else { throw .truncated }
        case .sequences:
            try LZFastDecoder.decode(body, count: n, into: &out)
        }
    }
}
