import CZstd
import Container

/// What a zstd frame header declares (RFC 8878, section 3.1.1.1), read here
/// because libzstd's parser for it is outside its stable API.
struct ZstdFrameHeader: Equatable {
    /// The history the decoder must keep: the window, or for a single-segment
    /// frame the whole content.
    var windowSize: UInt64
    var contentSize: UInt64?
    var hasChecksum: Bool
    var headerSize: Int

    static let magic: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD]

    /// Nil when `bytes` is shorter than the header it starts or the header is malformed.
    static func parse(_ bytes: UnsafeRawBufferPointer) -> ZstdFrameHeader? {
        guard bytes.count >= 6, bytes[0] == 0x28, bytes[1] == 0xB5, bytes[2] == 0x2F, bytes[3] == 0xFD else { return nil }
        let descriptor = bytes[4]
        guard descriptor & 0x08 == 0 else { return nil }  // the reserved bit
        let contentFlag = Int(descriptor >> 6)
        let singleSegment = descriptor & 0x20 != 0
        let dictionaryIDSize = [0, 1, 2, 4][Int(descriptor & 3)]
        let contentSizeSize = contentFlag == 0 ? (singleSegment ? 1 : 0) : [1, 2, 4, 8][contentFlag]
        var position = 5
        var window: UInt64 = 0
        if !singleSegment {
            let w = bytes[5]
            let exponent = UInt64(w >> 3), mantissa = UInt64(w & 7)
            let base: UInt64 = 1 << (10 + exponent)
            window = base + (base >> 3) * mantissa
            position += 1
        }
        position += dictionaryIDSize
        let size = position + contentSizeSize
        guard bytes.count >= size else { return nil }
        var content: UInt64?
        if contentSizeSize > 0 {
            var v: UInt64 = 0
            for i in 0..<contentSizeSize { v |= UInt64(bytes[position + i]) << (8 * UInt64(i)) }
            content = contentSizeSize == 2 ? v + 256 : v
        }
        if singleSegment { window = content ?? 0 }
        return ZstdFrameHeader(windowSize: window, contentSize: content, hasChecksum: descriptor & 0x04 != 0,
                               headerSize: size)
    }
}

/// Decodes zstd frames one at a time, reading each header first so a window
/// over the memory limit is refused with its size before libzstd allocates it.
final class ZstdDecoder: ForeignCoder, MemberStatistics {
    private let dctx: OpaquePointer
    private let limit: UInt64?
    private var checks = CheckNames()
    private var frames = 0
    private var currentWindow: UInt64 = 0
    private(set) var memoryNeeded: UInt64?
    /// 2^31: ZSTD_WINDOWLOG_MAX on 64-bit systems.
    static let largestWindow: UInt64 = 1 << 31

    var memberCount: Int? { frames }
    var checkNames: String? { checks.joined }

    init(memoryLimit: UInt64?) throws(ForeignError) {
        guard let dctx = ZSTD_createDCtx() else { throw .library(.zstd, "ZSTD_createDCtx: out of memory") }
        self.dctx = dctx
        limit = memoryLimit
        // The library's own guard, as a backstop to the header check in
        // `beginMember`: the smallest power of two at or above the limit (zstd's
        // window sizes are not all powers of two), from 2^10 up to 2^31.
        var log: Int32 = 31
        if let limit {
            log = 10
            while log < 31 && (UInt64(1) << UInt64(log)) < limit { log += 1 }
        }
        let code = ZSTD_DCtx_setParameter(dctx, ZSTD_d_windowLogMax, log)
        if ZSTD_isError(code) != 0 {
            ZSTD_freeDCtx(dctx)
            throw .library(.zstd, "windowLogMax: \(ZstdCodec.message(code))")
        }
    }

    deinit { ZSTD_freeDCtx(dctx) }

    func beginMember(_ header: UnsafeRawBufferPointer, index: Int) -> CoderFailure? {
        // Skippable frames and damaged headers go to the library, which skips or rejects them.
        guard let frame = ZstdFrameHeader.parse(header) else { return nil }
        frames += 1
        checks.add(frame.hasChecksum ? "XXH64" : "none")
        memoryNeeded = max(memoryNeeded ?? 0, frame.windowSize)
        currentWindow = frame.windowSize
        if let limit, frame.windowSize > limit { return .memory(needed: frame.windowSize, limit: limit) }
        if frame.windowSize > Self.largestWindow {
            return .corrupt("frame needs a \(frame.windowSize >> 20) MiB window, more than zstd decoders allow (2048 MiB)")
        }
        return nil
    }

    func step(_ input: UnsafeRawBufferPointer, _ output: UnsafeMutableRawBufferPointer, finish: Bool) -> CoderStep {
        var inBuffer = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        var outBuffer = ZSTD_outBuffer(dst: output.baseAddress, size: output.count, pos: 0)
        let code = ZSTD_decompressStream(dctx, &outBuffer, &inBuffer)
        var step = CoderStep(consumed: inBuffer.pos, produced: outBuffer.pos)
        if ZSTD_isError(code) != 0 {
            switch ZSTD_getErrorCode(code) {
            case ZSTD_error_memory_allocation: step.failure = .library("out of memory")
            case ZSTD_error_frameParameter_windowTooLarge:
                // Only if the header check above missed it: name the frame's window anyway.
                step.failure = .memory(needed: currentWindow, limit: limit ?? Self.largestWindow)
            default: step.failure = .corrupt(ZstdCodec.message(code))
            }
        } else if code == 0 {
            // The frame is complete and all of it written out.
            step.ended = true
        }
        return step
    }
}

/// Compresses the whole input into one zstd frame with a checksum, as `zstd -N` does.
final class ZstdEncoder: ForeignCoder {
    private let cctx: OpaquePointer

    init(level: Int, pledgedSize: Int64?) throws(ForeignError) {
        guard let cctx = ZSTD_createCCtx() else { throw .library(.zstd, "ZSTD_createCCtx: out of memory") }
        self.cctx = cctx
        var code = ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, Int32(level))
        if ZSTD_isError(code) == 0 { code = ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1) }
        if ZSTD_isError(code) == 0, let pledgedSize, pledgedSize >= 0 {
            code = ZSTD_CCtx_setPledgedSrcSize(cctx, UInt64(pledgedSize))
        }
        if ZSTD_isError(code) != 0 {
            ZSTD_freeCCtx(cctx)
            throw .library(.zstd, ZstdCodec.message(code))
        }
    }

    deinit { ZSTD_freeCCtx(cctx) }

    func beginMember(_ header: UnsafeRawBufferPointer, index: Int) -> CoderFailure? { nil }

    func step(_ input: UnsafeRawBufferPointer, _ output: UnsafeMutableRawBufferPointer, finish: Bool) -> CoderStep {
        var inBuffer = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        var outBuffer = ZSTD_outBuffer(dst: output.baseAddress, size: output.count, pos: 0)
        let code = ZSTD_compressStream2(cctx, &outBuffer, &inBuffer, finish ? ZSTD_e_end : ZSTD_e_continue)
        var step = CoderStep(consumed: inBuffer.pos, produced: outBuffer.pos)
        if ZSTD_isError(code) != 0 {
            step.failure = ZSTD_getErrorCode(code) == ZSTD_error_srcSize_wrong
                ? .library("the input's size differs from the size pledged") : .library(ZstdCodec.message(code))
        } else if finish && code == 0 {
            step.ended = true
        }
        return step
    }
}

extension ForeignFormat {
    /// `zstd -l`'s figures without decoding: each frame's header is read and its
    /// blocks skipped by their 3-byte headers (RFC 8878, 3.1.1.2).
    func zstdFrameSummary<S>(_ input: ForeignInput<S>) throws(ForeignError) -> ForeignSummary {
        var summary = ForeignSummary(format: .zstd, uncompressedOrigin: .declared)
        var total: Int64 = 0
        var allDeclared = true
        var frames = 0
        var checks = CheckNames()
        _ = try input.ensure(Self.headerBytes)
        if input.available == 0 { throw .truncated(self, offset: 0) }
        while true {
            _ = try input.ensure(Self.headerBytes)
            let bytes = input.bytes
            if bytes.count >= 8, bytes[0] & 0xF0 == 0x50, bytes[1] == 0x2A, bytes[2] == 0x4D, bytes[3] == 0x18 {
                // A skippable frame: magic, 4-byte little-endian size, content.
                let size = Int64(bytes[4]) | Int64(bytes[5]) << 8 | Int64(bytes[6]) << 16 | Int64(bytes[7]) << 24
                input.consume(8)
                guard try input.skip(size) else { throw .truncated(self, offset: input.offset) }
            } else if let frame = ZstdFrameHeader.parse(bytes) {
                frames += 1
                checks.add(frame.hasChecksum ? "XXH64" : "none")
                summary.memoryNeeded = max(summary.memoryNeeded ?? 0, frame.windowSize)
                if let size = frame.contentSize, size <= UInt64(Int64.max - total) {
                    total += Int64(size)
                } else {
                    allDeclared = false
                }
                input.consume(frame.headerSize)
                while true {
                    guard try input.ensure(3) else { throw .truncated(self, offset: input.offset + Int64(input.available)) }
                    let b = input.bytes
                    let blockHeader = Int(b[0]) | Int(b[1]) << 8 | Int(b[2]) << 16
                    let last = blockHeader & 1 != 0
                    let type = (blockHeader >> 1) & 3
                    let size = blockHeader >> 3
                    guard type != 3 else { throw .corrupt(self, offset: input.offset, "reserved block type") }
                    input.consume(3)
                    // An RLE block stores its one byte; raw and compressed blocks store `size` bytes.
                    guard try input.skip(type == 1 ? 1 : Int64(size)) else {
                        throw .truncated(self, offset: input.offset)
                    }
                    if last { break }
                }
                if frame.hasChecksum, !(try input.skip(4)) { throw .truncated(self, offset: input.offset) }
            } else if bytes.count < Self.headerBytes && Self.detect(bytes) == .zstd {
                throw .truncated(self, offset: input.offset + Int64(bytes.count))
            } else {
                throw .corrupt(self, offset: input.offset, "not a zstd frame header")
            }
            _ = try input.ensure(Self.magicLength)
            if input.available == 0 { break }
            if !startsMember(input.bytes) {
                // Zero padding is skipped, as `decompress` skips it.
                while true {
                    let rest = input.bytes
                    for i in 0..<rest.count where rest[i] != 0 {
                        throw .trailingData(self, offset: input.offset + Int64(i))
                    }
                    summary.ignoredZeroBytes += Int64(rest.count)
                    input.consume(rest.count)
                    if !(try input.fill()) { break }
                }
                break
            }
        }
        summary.compressedBytes = input.offset
        summary.members = frames
        summary.check = checks.joined
        if allDeclared {
            summary.uncompressedBytes = total
        } else {
            summary.uncompressedOrigin = .unknown
        }
        return summary
    }
}
