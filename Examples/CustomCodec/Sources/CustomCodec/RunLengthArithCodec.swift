import SqueezeKit

/// A toy codec for the course: run-length coding followed by adaptive
/// arithmetic coding.
///
/// Tokens: every byte is sent as a literal; after two equal literals in a row
/// the length of the run that follows (0…255 more copies of that byte) is sent
/// as a count. Literals and counts go to the range coder squeeze already has
/// (`RangeEncoder`), each from an adaptive frequency table of its own.
/// Level 1 uses one literal table (order 0); level 2 one per previous byte
/// (order 1), which costs more memory and learns more slowly but predicts text
/// much better.
struct RunLengthArithCodec: Codec {
    /// Everything squeeze needs to know about the codec. The id is written
    /// into every `.sqz` frame, so it must never change once files exist;
    /// squeeze's own ids are below 200 (docs/FORMAT.md).
    static let descriptor = CodecDescriptor(
        name: "rle-arith", id: 200,
        summary: "run-length + adaptive arithmetic coding (course example): 1 order-0, 2 order-1 literals",
        levels: [1, 2], defaultLevel: 2,
        blockSize: { _ in 1 << 20 },
        make: { RunLengthArithCodec(order: $0 - 1) })

    /// 0: one literal model; 1: one per previous byte.
    let order: Int

    func encode(_ input: UnsafeRawBufferPointer, into out: inout ByteBuffer) throws(CodecError) {
        var literals = [FrequencyTable](repeating: FrequencyTable(symbols: 256), count: order == 0 ? 1 : 256)
        var runs = FrequencyTable(symbols: 256)
        var coder = RangeEncoder(appendingTo: out)
        var i = 0
        var previous = 0
        while i < input.count {
            let b = Int(input[i])
            literals[order == 0 ? 0 : previous].encode(b, with: &coder)
            i += 1
            // Two equal bytes in a row: send how many more copies follow.
            if i >= 2, input[i - 1] == input[i - 2] {
                var run = 0
                while run < 255, i + run < input.count, Int(input[i + run]) == b { run += 1 }
                runs.encode(run, with: &coder)
                i += run
            }
            previous = b
        }
        out = coder.finish()
    }

    func decode(_ input: UnsafeRawBufferPointer, originalCount: Int, into out: inout ByteBuffer) throws(CodecError) {
        var literals = [FrequencyTable](repeating: FrequencyTable(symbols: 256), count: order == 0 ? 1 : 256)
        var runs = FrequencyTable(symbols: 256)
        var coder = RangeDecoder(input)
        var produced = 0
        var previous = 0 // the last byte written: the order-1 context
        while produced < originalCount {
            let b = try literals[order == 0 ? 0 : previous].decode(with: &coder)
            out.append(UInt8(b))
            produced += 1
            // The same test as the encoder's: two equal bytes in a row.
            if produced >= 2, b == previous {
                let run = try runs.decode(with: &coder)
                // Damaged data must not make us write past the block.
                guard run <= originalCount - produced else {
                    throw .corrupt("run of \(run) bytes at output byte \(produced) passes the block end (\(originalCount))")
                }
                for _ in 0..<run { out.append(UInt8(b)) }
                produced += run
            }
            previous = b
        }
        // Reading past the end of the payload means it was cut short.
        try coder.finish()
    }
}

/// An adaptive frequency table: every symbol starts with count 1, each
/// coded symbol adds `increment`, and all counts are halved when the total
/// would pass what the range coder accepts (2^16).
struct FrequencyTable {
    var counts: [UInt32]
    var total: UInt32
    static let increment: UInt32 = 24

    init(symbols: Int) {
        counts = [UInt32](repeating: 1, count: symbols)
        total = UInt32(symbols)
    }

    mutating func encode(_ symbol: Int, with coder: inout RangeEncoder) {
        var cumulative: UInt32 = 0
        for s in 0..<symbol { cumulative += counts[s] }
        coder.encode(cumulative: cumulative, frequency: counts[symbol], total: total)
        update(symbol)
    }

    mutating func decode(with coder: inout RangeDecoder) throws(CodecError) -> Int {
        let target = try coder.decodeTarget(total: total)
        var cumulative: UInt32 = 0
        var s = 0
        // decodeTarget guarantees target < total, so the loop ends inside the table.
        while cumulative + counts[s] <= target { cumulative += counts[s]; s += 1 }
        coder.consume(cumulative: cumulative, frequency: counts[s])
        update(s)
        return s
    }

    mutating func update(_ symbol: Int) {
        counts[symbol] += Self.increment
        total += Self.increment
        if total > RangeEncoder.maxTotal - Self.increment {
            total = 0
            for s in counts.indices {
                counts[s] = (counts[s] + 1) / 2
                total += counts[s]
            }
        }
    }
}
