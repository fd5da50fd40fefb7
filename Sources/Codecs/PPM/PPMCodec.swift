/// Prediction by partial matching (Cleary & Witten 1984) over a suffix-linked
/// context trie (`PPMModel`), driven by the range coder. Five registered
/// codecs share it: `ppm` (the strong variant), and the classic escape methods
/// `ppma`, `ppmb` (Cleary & Witten 1984), `ppmc` (Moffat 1990) and `ppmd`
/// (Howard 1993), so reports can show what each idea buys. The level sets the maximum order and the memory bound.
///
/// Format: byte 0 is the marker of a modelled block — 0 when the model
/// restarts on a full pool, 1 when it freezes (`PPMPoolPolicy`) — then the variant (`PPMVariant`
/// raw value), the maximum order (1...16), the memory bound in MiB (UInt16,
/// little-endian, 1...`maxMemoryMiB`), then the range-coded stream; or byte
/// 0 = 255 followed by the raw block when modelling would expand it. A
/// marker or variant this build does not know (a newer build's) is
/// `.unsupported`. An empty block codes to nothing. The encoder freezes; a
/// block whose pool never filled codes the same under both policies and keeps
/// marker 0, so blocks that fit their bound are written exactly as before the
/// policy existed.
public struct PPMCodec: Codec {
    public let order: Int
    /// Model memory bound in bytes (rounded up to whole MiB in the stream).
    public let memoryLimit: Int
    public let variant: PPMVariant
    /// What the encoder's model does when the pool fills (the decoder reads it from the block).
    public let policy: PPMPoolPolicy

    /// The largest memory bound a stream may ask for (1 GiB): a damaged
    /// header can make the decoder reserve at most this much address space.
    public static let maxMemoryMiB = 1024
    public static let maxOrder = 16
    /// Text positions share a word with a flag bit, so a block stays below 2^31 bytes.
    public static let maxBlockCount = (1 << 31) - 2

    public init(order: Int = 6, memoryLimit: Int = 256 << 20, variant: PPMVariant = .strong,
                policy: PPMPoolPolicy = .freeze) {
        self.order = Swift.min(Swift.max(order, 1), PPMCodec.maxOrder)
        self.memoryLimit = Swift.min(Swift.max(memoryLimit, 1 << 20), PPMCodec.maxMemoryMiB << 20)
        self.variant = variant
        self.policy = policy
    }

    /// Level 1...9: maximum order and memory bound.
    public init(level: Int, variant: PPMVariant) {
        let l = Swift.min(Swift.max(level, 1), 9)
        self.init(order: PPMCodec.orderForLevel[l - 1], memoryLimit: PPMCodec.memoryMiBForLevel[l - 1] << 20, variant: variant)
    }

    public static let orderForLevel = [2, 3, 4, 5, 6, 8, 10, 12, 16]
    public static let memoryMiBForLevel = [16, 32, 64, 128, 256, 256, 256, 256, 256]
    public static let levels = Array(1...9)

    static func describe(_ v: PPMVariant, _ name: String, _ id: UInt8, _ summary: String, strongest: Int) -> CodecDescriptor {
        CodecDescriptor(
            name: name, id: id, summary: summary, levels: levels, defaultLevel: 5, strongestLevel: strongest,
            blockSize: { _ in 16 << 20 }, make: { PPMCodec(level: $0, variant: v) },
            makeWithMemory: { level, bytes in
                PPMCodec(order: orderForLevel[Swift.min(Swift.max(level, 1), 9) - 1], memoryLimit: bytes, variant: v)
            },
            memoryRange: (1 << 20)...(maxMemoryMiB << 20),
            // Output, payload and the model at the level's default bound...
            decodeMemory: { level, n in
                2 * n + (1 << 20) + 4 * poolWords(memoryMiB: memoryMiBForLevel[Swift.min(Swift.max(level, 1), 9) - 1],
                                                  order: orderForLevel[Swift.min(Swift.max(level, 1), 9) - 1], count: n)
            },
            // ...or at the bound each block declares (a `--mem` choice, or a hostile header).
            payloadMemory: { payload, n in
                guard payload.count >= headerCount, payload[0] <= 1 else { return 2 * n + (1 << 20) }
                let order = Swift.min(Swift.max(Int(payload[2]), 1), maxOrder)
                let mib = Swift.min(Swift.max(Int(payload[3]) | Int(payload[4]) << 8, 1), maxMemoryMiB)
                return 2 * n + (1 << 20) + 4 * poolWords(memoryMiB: mib, order: order, count: n)
            })
    }

    public static let descriptor = describe(
        .strong, "ppm", 8, "PPM context trie, orders 2-16 by level: binary contexts, SEE, inheritance", strongest: 9)
    public static let ppmaDescriptor = describe(
        .a, "ppma", 15, "PPM with escape method A (Cleary & Witten 1984), full and update exclusion", strongest: 5)
    public static let ppmbDescriptor = describe(
        .b, "ppmb", 16, "PPM with escape method B (Cleary & Witten 1984): symbols predicted once seen twice", strongest: 5)
    public static let ppmcDescriptor = describe(
        .c, "ppmc", 9, "PPM with escape method C (Moffat 1990), full and update exclusion", strongest: 5)
    public static let ppmdDescriptor = describe(
        .d, "ppmd", 10, "PPM with escape method D (Howard 1993), full and update exclusion", strongest: 5)

    static let storedMarker: UInt8 = 255
    static let headerCount = 5

    /// Pool words the model uses for a block: the memory bound, or less when
    /// the block is too small to ever fill it (encoder and decoder compute the
    /// same value, so restarts happen at the same symbol on both sides).
    static func poolWords(memoryMiB: Int, order: Int, count: Int) -> Int {
        let bound = (memoryMiB << 20) / 4
        let need = PPMModel.minimumPoolWords + count * (12 * order + 16)
        return Swift.max(PPMModel.minimumPoolWords, Swift.min(bound, need))
    }

    var memoryMiB: Int { (memoryLimit + (1 << 20) - 1) >> 20 }

    public func encode(_ input: UnsafeRawBufferPointer, into out: inout ByteBuffer) throws(CodecError) {
        try encodeCountingRestarts(input, into: &out)
    }

    /// `encode(_:into:)`, returning how many times the model filled its memory
    /// bound: the restarts, or 1 if it froze (the decoder does the same at the same symbols).
    @discardableResult
    public func encodeCountingRestarts(_ input: UnsafeRawBufferPointer, into out: inout ByteBuffer) throws(CodecError) -> Int {
        let n = input.count
        guard n > 0, let base = input.baseAddress else { return 0 }
        guard n <= PPMCodec.maxBlockCount else { throw .invalidParameter("PPM block of \(n) bytes is over \(PPMCodec.maxBlockCount)") }
        let start = out.count
        let mib = memoryMiB
        out.append(0)
        out.append(variant.rawValue)
        out.append(UInt8(order))
        out.appendLittleEndian(UInt16(mib))
        var encoder = RangeEncoder(appendingTo: out)
        out = ByteBuffer()
        let text = base.assumingMemoryBound(to: UInt8.self)
        let words = PPMCodec.poolWords(memoryMiB: mib, order: order, count: n)
        var model = PPMModel(order: order, poolWords: words, variant: variant, policy: policy, text: text)
        for i in 0..<n {
            model.encode(UInt32(text[i]), position: i, &encoder)
        }
        let restarts = model.restarts
        out = encoder.finish()
        if policy != .restart && restarts > 0 {
            out.withUnsafeMutableStorage { $0[start] = policy.rawValue }
        }
        if out.count - start > n + 1 {
            out.truncate(to: start)
            out.append(PPMCodec.storedMarker)
            out.append(contentsOf: input)
        }
        return restarts
    }

    public func decode(_ input: UnsafeRawBufferPointer, originalCount: Int, into out: inout ByteBuffer) throws(CodecError) {
        guard originalCount >= 0 else { throw .invalidParameter("negative original size") }
        if originalCount == 0 { return }
        guard originalCount <= PPMCodec.maxBlockCount else {
            throw .limitExceeded("PPM block of \(originalCount) bytes is over \(PPMCodec.maxBlockCount)")
        }
        guard let first = input.first else { throw .truncated }
        if first == PPMCodec.storedMarker {
            let body = UnsafeRawBufferPointer(rebasing: input[1...])
            guard body.count == originalCount else {
                throw body.count < originalCount ? .truncated : .corrupt("stored PPM block holds \(body.count) bytes, expected \(originalCount)")
            }
            out.append(contentsOf: body)
            return
        }
        guard let policy = PPMPoolPolicy(rawValue: first) else {
            throw .unsupported("ppm block marker \(first) (this build reads 0–\(PPMPoolPolicy.allCases.count - 1) and \(PPMCodec.storedMarker), stored)")
        }
        guard input.count >= PPMCodec.headerCount else { throw .truncated }
        guard input[1] == variant.rawValue else {
            guard PPMVariant(rawValue: input[1]) != nil else {
                let known = PPMVariant.allCases.map { "\($0.rawValue)" }.joined(separator: ", ")
                throw .unsupported("ppm model variant \(input[1]) (this build reads \(known))")
            }
            throw .corrupt("PPM stream of variant \(input[1]) given to the \(variant) decoder")
        }
        let order = Int(input[2])
        guard (1...PPMCodec.maxOrder).contains(order) else { throw .corrupt("PPM order \(order) outside 1...\(PPMCodec.maxOrder)") }
        let mib = Int(input[3]) | Int(input[4]) << 8
        guard (1...PPMCodec.maxMemoryMiB).contains(mib) else {
            throw .limitExceeded("PPM memory bound \(mib) MiB outside 1...\(PPMCodec.maxMemoryMiB)")
        }
        let body = UnsafeRawBufferPointer(rebasing: input[PPMCodec.headerCount...])
        let variant = self.variant
        let written = try out.withUnsafeAppendingSpace(maxCount: originalCount) { (region) throws(CodecError) -> Int in
            guard let dst = region.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return 0 }
            var decoder = RangeDecoder(body)
            let words = PPMCodec.poolWords(memoryMiB: mib, order: order, count: originalCount)
            var model = PPMModel(order: order, poolWords: words, variant: variant, policy: policy, text: dst)
            for i in 0..<originalCount {
                _ = try model.decode(position: i, into: dst, &decoder)
            }
            try decoder.finish()
            return originalCount
        }
        guard written == originalCount else { throw .truncated }
    }
}
