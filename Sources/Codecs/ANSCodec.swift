/// Order-0 asymmetric numeral systems coding of bytes (Duda 2009, 2013):
/// the fast entropy coder, beside `huffman` (whole bits per symbol) and
/// `arith` (adaptive range coding).
///
/// Levels choose the variant and the table size:
/// - 1, 2, 3: static tANS with at least 2^10, 2^11, 2^12 states (3 is the
///   default); a block takes a larger table, up to 2^15, only when the smaller
///   one would cost more than 0.2% in rounded probabilities (very skewed data
///   such as pic), since tables up to 2^12 decode from L1 cache;
/// - 4: static rANS, four interleaved states, frequencies scaled to 2^15
///   (closest to the entropy of the static variants, slower: a division per symbol);
/// - 5: adaptive order-0 rANS (no table sent; follows drifting statistics).
///
/// Format: one variant byte — 0 raw bytes follow, 1 tANS block, 2 rANS
/// block, 3 adaptive rANS block (layouts in `TANS`, `InterleavedRANS`,
/// `AdaptiveRANS`), 4 one byte repeated (the byte follows) — then the block.
/// A block that would not shrink is stored raw. A higher variant byte (a
/// newer build's) is `.unsupported`.
public struct ANSCodec: Codec {
    public enum Variant: UInt8, Sendable {
        case raw = 0, tans = 1, rans = 2, adaptive = 3, single = 4
    }

    public let variant: Variant
    public let tableLog: Int

    public init(variant: Variant, tableLog: Int) {
        self.variant = variant
        self.tableLog = Swift.min(NormalizedFrequencies.maxTableLog, Swift.max(NormalizedFrequencies.minTableLog, tableLog))
    }

    public init(level: Int) {
        switch level {
        case ...1: self.init(variant: .tans, tableLog: 10)
        case 2: self.init(variant: .tans, tableLog: 11)
        case 3: self.init(variant: .tans, tableLog: 12)
        case 4: self.init(variant: .rans, tableLog: 15)
        default: self.init(variant: .adaptive, tableLog: 15)
        }
    }

    public static let descriptor = CodecDescriptor(
        name: "ans", id: 17,
        summary: "order-0 asymmetric numeral systems: levels 1-3 tANS with 2^10-2^12 or more states, 4 rANS x4, 5 adaptive rANS",
        levels: [1, 2, 3, 4, 5], defaultLevel: 3, strongestLevel: 5, otherFormatLevels: [4, 5],
        make: { ANSCodec(level: $0) },
        // Output and payload, plus tables (at most 2^15 slots and the adaptive model).
        decodeMemory: { _, n in 2 * n + (1 << 20) })

    public func encode(_ input: UnsafeRawBufferPointer, into out: inout ByteBuffer) throws(CodecError) {
        let start = out.count
        let n = input.count
        if n > 0, let p = input.baseAddress?.assumingMemoryBound(to: UInt8.self) {
            // One byte repeated: two bytes, whatever the length (stops at the first other byte).
            var same = 1
            while same < n && p[same] == p[0] { same += 1 }
            if same == n {
                out.append(Variant.single.rawValue)
                out.append(p[0])
                return
            }
            out.append(variant.rawValue)
            switch variant {
            case .tans: try TANS.encode(input, minTableLog: tableLog, into: &out)
            case .rans: try InterleavedRANS.encode(input, maxTableLog: tableLog, into: &out)
            case .adaptive: AdaptiveRANS.encode(input, into: &out)
            case .raw, .single: break
            }
            if variant != .raw && out.count - start <= n { return }
            out.truncate(to: start)
        }
        out.append(Variant.raw.rawValue)
        out.append(contentsOf: input)
    }

    public func decode(_ input: UnsafeRawBufferPointer, originalCount: Int, into out: inout ByteBuffer) throws(CodecError) {
        guard originalCount >= 0 else { throw .invalidParameter("negative original size") }
        guard let first = input.first else { throw .truncated }
        let body = UnsafeRawBufferPointer(rebasing: input[1...])
        guard let v = Variant(rawValue: first) else {
            throw .unsupported("ans variant \(first) (this build reads 0–\(Variant.single.rawValue))")
        }
        if v == .raw {
            guard body.count == originalCount else {
                throw body.count < originalCount ? .truncated : .corrupt("raw ans block holds \(body.count) bytes, expected \(originalCount)")
            }
            out.append(contentsOf: body)
            return
        }
        if v == .single {
            guard body.count == 1 else { throw body.isEmpty ? .truncated : .corrupt("ans single-byte block of \(body.count) bytes, expected 1") }
            let written = out.withUnsafeAppendingSpace(maxCount: originalCount) { region -> Int in
                region.initializeMemory(as: UInt8.self, repeating: body[0])
                return originalCount
            }
            guard written == originalCount else { throw .truncated }
            return
        }
        guard originalCount > 0 else { throw .corrupt("ans \(v) block for an empty input") }
        let written = try out.withUnsafeAppendingSpace(maxCount: originalCount) { (region) throws(CodecError) -> Int in
            guard let dst = region.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return 0 }
            switch v {
            case .tans: try TANS.decode(body, count: originalCount, into: dst)
            case .rans: try InterleavedRANS.decode(body, count: originalCount, into: dst)
            case .adaptive: try AdaptiveRANS.decode(body, count: originalCount, into: dst)
            case .raw, .single: return 0
            }
            return originalCount
        }
        guard written == originalCount else { throw .truncated }
    }
}
