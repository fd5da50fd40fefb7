/// `cm`: bitwise context mixing in the line of PAQ, lpaq and zpaq (Mahoney
/// 2002–2009), our own design; `CMModel` describes the model, docs/CM.md the
/// levels, memory, sizes and what each part buys.
///
/// Payload: one byte naming the level that coded it (the configuration is
/// part of the format), then one `RangeEncoder` stream of the block's bytes,
/// eight binary decisions each. The model's tables are sized from the raw
/// block size, which the container stores, so encoder and decoder agree.
/// With `--mem` smaller than the level's model for the block, the first byte
/// is 0x80 | level and a second byte caps the tables (log2 of slots per
/// context table); payloads without a cap are unchanged. A first byte naming
/// a level above 9 (a newer build's) is `.unsupported`.
///
/// Decoding bounds: exactly the declared raw size is written; the range
/// decoder reads zeros past the end and counts them, so a truncated payload
/// ends in `.truncated` (checked every 64 KiB as well, so a short payload
/// with a large declared size stops early).
public struct CMCodec: Codec {
    public let level: Int
    /// The model memory bound in bytes (`--mem`), or nil for the level's own tables.
    public let memory: Int?

    public init(level: Int, memory: Int? = nil) {
        self.level = Swift.max(1, Swift.min(9, level))
        self.memory = memory
    }

    public static let levels = Array(1...9)
    public static let defaultLevel = 5
    /// What `--mem` accepts: from about the smallest model (the SSE and mixer
    /// tables alone take some 10 MiB) to more than the strongest level uses.
    public static let memoryRange = (16 << 20)...(4 << 30)
    /// First payload byte with a table cap following: 0x80 | level.
    static let cappedFlag: UInt8 = 0x80

    /// Bytes of model state a block of `n` bytes needs at `level`.
    public static func modelMemory(level: Int, blockSize n: Int) -> Int {
        CMConfiguration.level(level).modelMemory(blockSize: n)
    }

    /// Bytes of model state a block of `n` bytes gets at `level` under a
    /// `--mem` bound of `memory` bytes: the level's own model if it fits,
    /// else the capped one (at least the smallest model, 2^12 slots a table).
    public static func modelMemory(level: Int, blockSize n: Int, memory: Int) -> Int {
        let config = CMConfiguration.level(level)
        guard let cap = config.slotBitsCap(memory: memory, blockSize: n) else { return config.modelMemory(blockSize: n) }
        return config.capped(slotBits: cap).modelMemory(blockSize: n)
    }

    /// Raw block size: one block up to 16 MiB at levels 1…5, 64 MiB above
    /// (the model learns across a block, so large blocks compress better).
    public static func blockSize(level: Int) -> Int { level <= 5 ? 16 << 20 : 64 << 20 }

    public static let descriptor = CodecDescriptor(
        name: "cm", id: 19,
        summary: "context mixing: orders 0-8, words, sparse and match models, gated mixers, SSE (lpaq/zpaq class)",
        levels: levels, defaultLevel: defaultLevel,
        blockSize: { blockSize(level: $0) },
        make: { CMCodec(level: $0) },
        makeWithMemory: { CMCodec(level: $0, memory: $1) },
        memoryRange: memoryRange,
        // A capped block needs less than its level's model, never more.
        decodeMemory: { level, n in 2 * n + modelMemory(level: level, blockSize: n) })

    public func encode(_ input: UnsafeRawBufferPointer, into out: inout ByteBuffer) throws(CodecError) {
        let n = input.count
        let cap = memory.flatMap { CMConfiguration.level(level).slotBitsCap(memory: $0, blockSize: n) }
        if let cap {
            out.append(Self.cappedFlag | UInt8(level))
            out.append(UInt8(cap))
        } else {
            out.append(UInt8(level))
        }
        guard n > 0, let base = input.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        var model = try CMModel(level: level, blockSize: n, slotBitsCap: cap)
        var encoder = RangeEncoder(appendingTo: out)
        out = ByteBuffer()
        for i in 0..<n {
            _ = model.code(Int(base[i]), &encoder, base, i)
            model.endByte(Int(base[i]), base, i)
        }
        out = encoder.finish()
    }

    public func decode(_ input: UnsafeRawBufferPointer, originalCount: Int, into out: inout ByteBuffer) throws(CodecError) {
        guard originalCount >= 0 else { throw .invalidParameter("cm: negative original size") }
        guard originalCount > 0 else { return }
        guard input.count >= 1 else { throw .truncated }
        let capped = input[0] & Self.cappedFlag != 0
        let stored = Int(input[0] & ~Self.cappedFlag)
        guard stored == level else {
            // Levels above 9 (or flags below 0x80) are for a newer build to define.
            if stored > 9 {
                throw .unsupported("cm payload header byte 0x\(String(input[0], radix: 16)) names level \(stored) "
                    + "(this build reads levels 1–9, with 0x80 for a table cap)")
            }
            throw .corrupt("cm payload names level \(stored), the frame level \(level)")
        }
        var cap: Int? = nil
        if capped {
            guard input.count >= 2 else { throw .truncated }
            let bits = Int(input[1])
            let most = CMConfiguration.level(level).maxSlotBits
            guard bits >= CMConfiguration.minSlotBits, bits <= most else {
                throw .corrupt("cm payload caps its tables at 2^\(bits) slots, outside 2^\(CMConfiguration.minSlotBits)…2^\(most) for level \(level)")
            }
            cap = bits
        }
        let start = capped ? 2 : 1
        var model = try CMModel(level: level, blockSize: originalCount, slotBitsCap: cap)
        var decoder = RangeDecoder(UnsafeRawBufferPointer(rebasing: input[start...]))
        let limit = input.count - start
        let written = try out.withUnsafeAppendingSpace(maxCount: originalCount) { (region) throws(CodecError) -> Int in
            guard let dst = region.baseAddress?.assumingMemoryBound(to: UInt8.self) else { throw .corrupt("cm: no output space") }
            for i in 0..<originalCount {
                let b = model.code(0, &decoder, dst, i)
                dst[i] = UInt8(truncatingIfNeeded: b)
                model.endByte(b, dst, i)
                // A range decoder past the end of its input by more than its own
                // lookahead has only zeros left: the payload is cut short.
                if i & 0xFFFF == 0xFFFF, decoder.consumedCount > limit + 16 { throw .truncated }
            }
            return originalCount
        }
        try decoder.finish()
        guard written == originalCount else { throw .corrupt("cm: decoded \(written) of \(originalCount) bytes") }
    }
}
