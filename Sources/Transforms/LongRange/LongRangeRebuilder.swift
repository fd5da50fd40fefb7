import BitIO

/// The decoder side of the long-range stage: rebuilds each block of one stream from
/// its residual and references, reading sources that lie in earlier blocks from the
/// history, and appends every rebuilt block to the history (docs/LONG.md).
///
/// Blocks must be rebuilt in stream order (each may copy from all before it); their
/// residuals can be decoded by the block coders in parallel beforehand.
public final class LongRangeRebuilder {
    public let window: Int64
    public let history: any LongRangeHistory

    /// Stream offset of the next block's first byte (= bytes rebuilt so far, counting
    /// any the history held before this rebuilder started).
    public private(set) var streamOffset: Int64

    /// `window`: the largest distance the stream may use (from the frame); `history`
    /// must keep at least `window` bytes, else a far reference fails with an error naming the limit.
    public init(window: Int64, history: any LongRangeHistory) throws(CodecError) {
        guard window >= 1, window <= 1 << 40 else { throw .invalidParameter("long-range window \(window) is outside 1...2^40") }
        self.window = window
        self.history = history
        self.streamOffset = history.end
    }

    /// Parses `section` (`LongRangeReferenceSection`) and rebuilds the block.
    public func rebuild(residual: UnsafeRawBufferPointer, section: UnsafeRawBufferPointer, rawSize: Int) throws(CodecError) -> [UInt8] {
        let refs = try LongRangeReferenceSection.decode(section, rawSize: rawSize, window: window, streamOffset: streamOffset)
        return try rebuild(residual: residual, references: refs, rawSize: rawSize)
    }

    /// The block's `rawSize` raw bytes from its residual and references; checks that
    /// they agree with each other, the window and the history before copying anything.
    public func rebuild(residual: UnsafeRawBufferPointer, references: [LongRangeReference], rawSize: Int) throws(CodecError) -> [UInt8] {
        guard history.end == streamOffset else {
            throw .invalidParameter("long-range rebuilder: history ends at \(history.end), expected \(streamOffset)")
        }
        guard rawSize >= 0 else { throw .invalidParameter("long-range rebuilder: raw size \(rawSize) is negative") }
        let blockStart = streamOffset
        var position = 0
        var literals = 0
        for (k, r) in references.enumerated() {
            let room = rawSize - position
            guard r.literalLength >= 0, r.literalLength <= room, r.length >= 1, r.length <= room - r.literalLength else {
                throw .corrupt("long-range references: reference \(k + 1) (literal run \(r.literalLength), length \(r.length)) passes the block end (\(room) bytes left)")
            }
            let here = blockStart + Int64(position + r.literalLength)
            guard r.distance >= 1, r.distance <= window, r.distance <= here else {
                throw .corrupt("long-range references: distance \(r.distance) of reference \(k + 1) is outside 1...\(Swift.min(window, here))")
            }
            if here - r.distance < blockStart && here - r.distance < history.start {
                throw .limitExceeded("long-range reference \(k + 1) needs stream offset \(here - r.distance), but the history keeps only offsets \(history.start) on (its memory is smaller than the window \(window))")
            }
            literals += r.literalLength
            position += r.literalLength + r.length
        }
        let expected = literals + (rawSize - position)
        guard residual.count == expected else {
            throw .corrupt("long-range residual holds \(residual.count) bytes; the references leave \(expected) of the block's \(rawSize)")
        }

        var out = [UInt8](repeating: 0, count: rawSize)
        let failure: CodecError? = out.withUnsafeMutableBytes { o in
            guard let dst = o.baseAddress else { return nil }
            do throws(CodecError) {
                var pos = 0, lit = 0
                for r in references {
                    if r.literalLength > 0, let src = residual.baseAddress {
                        (dst + pos).copyMemory(from: src + lit, byteCount: r.literalLength)
                    }
                    pos += r.literalLength
                    lit += r.literalLength
                    try copyReference(dst, blockStart, at: pos, distance: r.distance, length: r.length)
                    pos += r.length
                }
                if pos < rawSize, let src = residual.baseAddress {
                    (dst + pos).copyMemory(from: src + lit, byteCount: rawSize - pos)
                }
                try history.append(UnsafeRawBufferPointer(o))
                return nil
            } catch { return error }
        }
        if let failure { throw failure }
        streamOffset += Int64(rawSize)
        return out
    }

    /// Copies `length` bytes from `distance` back: from the history while the source is
    /// in earlier blocks, then from this block, in steps that never overlap (a source
    /// that overlaps its destination is a period of `distance` bytes; each step doubles
    /// the part already written, so distance 1 over a megabyte takes 20 steps).
    private func copyReference(_ dst: UnsafeMutableRawPointer, _ blockStart: Int64, at start: Int, distance: Int64, length: Int) throws(CodecError) {
        var pos = start
        var left = length
        let src = blockStart + Int64(start) - distance
        if src < blockStart {
            let k = Int(Swift.min(Int64(left), blockStart - src))
            try history.read(at: src, count: k, into: dst + pos)
            pos += k
            left -= k
        }
        guard left > 0 else { return }
        // The rest of the source is in this block, from `from` on; pos - from is a multiple of `distance`.
        let from = Int(blockStart + Int64(pos) - distance - blockStart)
        while left > 0 {
            let k = Swift.min(left, pos - from)
            (dst + pos).copyMemory(from: dst + from, byteCount: k)
            pos += k
            left -= k
        }
    }
}
