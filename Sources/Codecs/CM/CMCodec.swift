/// `cm`: bitwise context mixing in the line of PAQ, lpaq and zpaq (Mahoney
/// 2002–2009), our own design; `CMModel` describes the model, docs/CM.md the
/// levels, memory, sizes and what each part buys.
///
/// Payload: one byte naming the level that coded it (the configuration is
/// part of the format), then one `RangeEncoder` stream of the block's bytes,
/// eight binary decisions each. The model's tables are sized from the raw
/// block size, which the container stores, so encoder and decoder agree.
///
/// Decoding bounds: exactly the declared raw size is written; the range
/// decoder reads zeros past the end and counts them, so a truncated payload
/// ends in `.truncated` (checked every 64 KiB as well, so a short payload
/// with a large declared size stops early).
public struct CMCodec: Codec {
    public let level: Int

    public init(level: Int) {
        self.level = Swift.max(1, Swift.min(9, level))
    }

    public static let levels = Array(1...9)
    public static let defaultLevel = 5

    /// Bytes of model state a block of `n` bytes needs at `level`.
    public static func modelMemory(level: Int, blockSize n: Int) -> Int {
        CMConfiguration.level(level).modelMemory(blockSize: n)
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
        decodeMemory: { level, n in 2 * n + modelMemory(level: level, blockSize: n) })

    public func encode(_ input: UnsafeRawBufferPointer, into out: inout ByteBuffer) throws(CodecError) {
        let n = input.count
        out.append(UInt8(level))
        guard n > 0, let base = input.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        var model = try CMModel(level: level, blockSize: n)
        defer { model.deallocate() }
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
        let stored = Int(input[0])
        guard stored == level else {
            throw .corrupt("cm payload names level \(stored), the frame level \(level)")
        }
        var model = try CMModel(level: level, blockSize: originalCount)
        defer { model.deallocate() }
        var decoder = RangeDecoder(UnsafeRawBufferPointer(rebasing: input[1...]))
        let limit = input.count - 1
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
