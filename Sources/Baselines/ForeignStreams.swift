import Container

/// The result of one library call: bytes taken from the input, bytes written
/// to the output, whether the member (or, for encoders, the file) ended, and
/// what went wrong if anything. The driver turns a failure into a
/// `ForeignError` with the input offset reached, which the library call knows
/// nothing about.
struct CoderStep {
    var consumed = 0
    var produced = 0
    var ended = false
    var failure: CoderFailure?
}

enum CoderFailure: Error {
    case corrupt(String)
    case truncated
    case memory(needed: UInt64, limit: UInt64)
    case unsupportedCheck(String)
    case library(String)
}

/// A system-library decoder or encoder, stepped one buffer at a time by the
/// drivers below, so all four formats share the buffering, the member loop,
/// the progress reports and the error offsets.
protocol ForeignCoder: AnyObject {
    /// Before each member, with at least its first `headerBytes` bytes (fewer at
    /// the end of input): resets the library and checks what the header declares
    /// (the memory it will need). Not called for encoders.
    func beginMember(_ header: UnsafeRawBufferPointer, index: Int) -> CoderFailure?
    /// One library call. `finish` is true once all remaining input is in `input`.
    func step(_ input: UnsafeRawBufferPointer, _ output: UnsafeMutableRawBufferPointer, finish: Bool) -> CoderStep
}

extension ForeignFormat {
    /// Input and output buffer sizes: memory stays bounded whatever the file size.
    static let bufferSize = 128 << 10
    /// The longest member header a decoder looks at before starting (zstd's frame header).
    static let headerBytes = 18

    /// Whether `bytes` (at least `magicLength` bytes where available) start another
    /// member that may follow a complete one: the same magic, or for zstd also a
    /// skippable frame (magic 0x184D2A50-5F, little-endian).
    func startsMember(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if Self.detect(bytes) == self { return true }
        if self == .zstd, bytes.count >= 4, bytes[0] & 0xF0 == 0x50, bytes[1] == 0x2A, bytes[2] == 0x4D, bytes[3] == 0x18 {
            return true
        }
        return false
    }

    func error(_ failure: CoderFailure, at offset: Int64) -> ForeignError {
        switch failure {
        case .corrupt(let why): .corrupt(self, offset: offset, why)
        case .truncated: .truncated(self, offset: offset)
        case .memory(let needed, let limit): .memoryLimit(self, needed: needed, limit: limit)
        case .unsupportedCheck(let why): .unsupportedCheck(self, why)
        case .library(let why): .library(self, why)
        }
    }
}

/// A fixed-size window on a `ByteSource`, with the input offset of its first byte.
final class ForeignInput<S: ByteSource> {
    private var source: S
    private let prefix: [UInt8]
    private var prefixUsed = 0
    private let storage: UnsafeMutableRawBufferPointer
    private var start = 0
    private var end = 0
    /// The input offset of the first byte held.
    private(set) var offset: Int64 = 0
    /// The source has reported its end: every remaining byte is held.
    private(set) var atEnd = false

    init(prefix: [UInt8], source: S, capacity: Int = ForeignFormat.bufferSize) {
        self.prefix = prefix
        self.source = source
        storage = .allocate(byteCount: capacity, alignment: 16)
    }

    deinit { storage.deallocate() }

    var available: Int { end - start }
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: storage[start..<end]) }

    func consume(_ n: Int) {
        start += n
        offset += Int64(n)
    }

    /// Reads once more after the bytes held (moving them to the front first);
    /// false when the source has ended.
    @discardableResult
    func fill() throws(ForeignError) -> Bool {
        if atEnd { return false }
        if start > 0 {
            if end > start, let base = storage.baseAddress {
                base.copyMemory(from: base + start, byteCount: end - start)
            }
            end -= start
            start = 0
        }
        if end == storage.count { return true }
        let room = UnsafeMutableRawBufferPointer(rebasing: storage[end...])
        var n = 0
        if prefixUsed < prefix.count {
            n = Swift.min(room.count, prefix.count - prefixUsed)
            for i in 0..<n { room[i] = prefix[prefixUsed + i] }
            prefixUsed += n
        } else {
            do { n = try source.read(into: room) } catch { throw .io(error) }
        }
        if n <= 0 {
            atEnd = true
            return false
        }
        end += n
        return true
    }

    /// Holds at least `n` bytes (n ≤ capacity) unless the input ends first.
    func ensure(_ n: Int) throws(ForeignError) -> Bool {
        while available < n {
            if !(try fill()) { return false }
        }
        return true
    }

    /// Skips `n` bytes; false if the input ends first.
    func skip(_ n: Int64) throws(ForeignError) -> Bool {
        var left = n
        while left > 0 {
            if available == 0, !(try fill()) { return false }
            let k = Int(Swift.min(Int64(available), left))
            consume(k)
            left -= Int64(k)
        }
        return true
    }
}

/// The output buffer, written to the sink after each library call that filled any of it.
final class ForeignOutput {
    let storage: UnsafeMutableRawBufferPointer
    private(set) var written: Int64 = 0

    init(capacity: Int = ForeignFormat.bufferSize) {
        storage = .allocate(byteCount: capacity, alignment: 16)
    }

    deinit { storage.deallocate() }

    func flush<K: ByteSink>(_ count: Int, to sink: inout K) throws(ForeignError) {
        guard count > 0 else { return }
        do { try sink.write(UnsafeRawBufferPointer(rebasing: storage[0..<count])) } catch { throw .io(error) }
        written += Int64(count)
    }
}

/// Counts what it is given (for `inspect` and `test`).
struct CountingSink: ByteSink {
    var count: Int64 = 0
    mutating func write(_ bytes: UnsafeRawBufferPointer) throws(SqzError) { count += Int64(bytes.count) }
}

extension ForeignFormat {
    // MARK: Decoding

    /// Decodes the whole of `prefix` followed by `source` into `sink`: every
    /// concatenated member (gzip members, bzip2 and xz streams, zstd frames, as
    /// the tools read them), in buffers of fixed size. All-zero bytes after the
    /// last member are skipped (gzip's tape padding); anything else there is
    /// `trailingData`. Everything decoded before an error has been written to `sink`.
    ///
    /// `memoryLimit` (bytes; nil: none) refuses an xz stream, zstd frame or
    /// bzip2 stream that needs more, before the library allocates it, with the
    /// amount needed in the error. gzip needs under 64 KiB and has no limit.
    /// `progress` is called after each buffer written.
    public func decompress<S: ByteSource, K: ByteSink>(
        prefix: [UInt8] = [], from source: S, to sink: inout K, memoryLimit: UInt64? = nil,
        progress: ((ForeignProgress) -> Void)? = nil
    ) throws(ForeignError) -> ForeignSummary {
        let input = ForeignInput(prefix: prefix, source: source)
        let output = ForeignOutput()
        let coder = try makeDecoder(memoryLimit: memoryLimit)
        var summary = ForeignSummary(format: self, uncompressedOrigin: .decoded)
        var members = 0

        // The first member must be there: an empty input is truncated, not an empty file.
        _ = try input.ensure(Self.headerBytes)
        if input.available == 0 { throw .truncated(self, offset: 0) }
        while true {
            _ = try input.ensure(Self.headerBytes)
            if let failure = coder.beginMember(input.bytes, index: members) {
                throw error(failure, at: input.offset)
            }
            while true {
                if input.available == 0, !input.atEnd { try input.fill() }
                let step = coder.step(input.bytes, output.storage, finish: input.atEnd)
                input.consume(step.consumed)
                try output.flush(step.produced, to: &sink)
                if step.produced > 0, let progress {
                    progress(ForeignProgress(compressedBytes: input.offset, uncompressedBytes: output.written))
                }
                if let failure = step.failure { throw error(failure, at: input.offset) }
                if step.ended { break }
                if step.consumed == 0 && step.produced == 0 {
                    if input.available == 0 && input.atEnd { throw .truncated(self, offset: input.offset) }
                    if input.available > 0 {
                        throw .library(self, "decoder made no progress at byte \(input.offset)")
                    }
                }
            }
            members += 1
            if try !nextMemberFollows(input, summary: &summary) { break }
        }
        let stats = (coder as? MemberStatistics)
        summary.compressedBytes = input.offset
        summary.uncompressedBytes = output.written
        summary.members = stats?.memberCount ?? members
        summary.check = stats?.checkNames ?? checkWritten
        summary.memoryNeeded = stats?.memoryNeeded
        return summary
    }

    /// After a complete member: true when another one starts; false at the end of
    /// input, after skipping any all-zero padding; throws on other bytes. Only xz
    /// allows another member after padding (its stream padding, a multiple of 4
    /// bytes); gzip stops at padding and zstd has none.
    private func nextMemberFollows<S>(_ input: ForeignInput<S>, summary: inout ForeignSummary) throws(ForeignError) -> Bool {
        _ = try input.ensure(Self.magicLength)
        if input.available == 0 { return false }
        if startsMember(input.bytes) { return true }
        var zeros: Int64 = 0
        while true {
            let bytes = input.bytes
            for i in 0..<bytes.count where bytes[i] != 0 {
                input.consume(i)
                zeros += Int64(i)
                if self == .xz, zeros % 4 == 0, try input.ensure(Self.magicLength), startsMember(input.bytes) {
                    return true
                }
                throw .trailingData(self, offset: input.offset)
            }
            zeros += Int64(bytes.count)
            input.consume(bytes.count)
            if !(try input.fill()) { break }
        }
        summary.ignoredZeroBytes += zeros
        return false
    }

    func makeDecoder(memoryLimit: UInt64?) throws(ForeignError) -> any ForeignCoder {
        switch self {
        case .gzip: try GzipDecoder()
        case .bzip2: Bzip2Decoder(memoryLimit: memoryLimit)
        case .xz: XzDecoder(memoryLimit: memoryLimit)
        case .zstd: try ZstdDecoder(memoryLimit: memoryLimit)
        }
    }

    // MARK: Listing

    /// What `list` shows, as cheaply as the format allows. With `exact: false`:
    /// zstd's frame headers are read and its blocks skipped without decoding
    /// (sizes `.declared` when every frame declares one, else `.unknown`, as
    /// `zstd -l`); gzip's input is read without inflating and the last member's
    /// ISIZE reported (`.gzipTrailer`, as `gzip -l`); bzip2 (which stores no
    /// size) and xz are decoded to count. With `exact: true` every format is
    /// decoded and verified (`.decoded`).
    public func inspect<S: ByteSource>(
        prefix: [UInt8] = [], from source: S, exact: Bool = false, memoryLimit: UInt64? = nil,
        progress: ((ForeignProgress) -> Void)? = nil
    ) throws(ForeignError) -> ForeignSummary {
        switch self {
        case .gzip where !exact:
            return try gzipTrailerSummary(ForeignInput(prefix: prefix, source: source))
        case .zstd where !exact:
            return try zstdFrameSummary(ForeignInput(prefix: prefix, source: source))
        default:
            var sink = CountingSink()
            return try decompress(prefix: prefix, from: source, to: &sink, memoryLimit: memoryLimit, progress: progress)
        }
    }

    /// Reads to the end keeping the last 8 bytes: a gzip member ends with CRC32 and ISIZE.
    private func gzipTrailerSummary<S>(_ input: ForeignInput<S>) throws(ForeignError) -> ForeignSummary {
        var last = [UInt8](repeating: 0, count: 8)
        var seen: Int64 = 0
        while true {
            if input.available == 0, !(try input.fill()) { break }
            let bytes = input.bytes
            // Shift the newest bytes in; only the last 8 of each buffer matter.
            for b in bytes.suffix(8) {
                last.removeFirst()
                last.append(b)
            }
            seen += Int64(bytes.count)
            input.consume(bytes.count)
        }
        // The smallest member: a 10-byte header, an empty deflate block (2 bytes), the 8-byte trailer.
        guard seen >= 20 else { throw .truncated(self, offset: seen) }
        var summary = ForeignSummary(format: self, uncompressedOrigin: .gzipTrailer)
        summary.compressedBytes = seen
        summary.uncompressedBytes = Int64(last[4]) | Int64(last[5]) << 8 | Int64(last[6]) << 16 | Int64(last[7]) << 24
        summary.check = "CRC32"
        return summary
    }

    // MARK: Encoding

    /// Compresses `prefix` followed by `source` into one plain file of this format,
    /// as the format's own tool writes it with the same level: gzip (deflate,
    /// CRC32, no file name), bzip2, xz (CRC64 check, as xz does), zstd (with its
    /// XXH64 checksum, as zstd does). `level` nil means `defaultLevel`.
    /// `pledgedSize`, when the caller knows the input's size, lets zstd write it
    /// in the frame header (the input must then have exactly that size).
    public func compress<S: ByteSource, K: ByteSink>(
        level: Int? = nil, prefix: [UInt8] = [], from source: S, to sink: inout K, pledgedSize: Int64? = nil,
        progress: ((ForeignProgress) -> Void)? = nil
    ) throws(ForeignError) -> ForeignSummary {
        let level = level ?? defaultLevel
        guard levels.contains(level) else { throw .invalidLevel(self, level) }
        let input = ForeignInput(prefix: prefix, source: source)
        let output = ForeignOutput()
        let coder = try makeEncoder(level: level, pledgedSize: pledgedSize)
        while true {
            if input.available == 0, !input.atEnd { try input.fill() }
            let step = coder.step(input.bytes, output.storage, finish: input.atEnd)
            input.consume(step.consumed)
            try output.flush(step.produced, to: &sink)
            if let progress, step.consumed > 0 || step.produced > 0 {
                progress(ForeignProgress(compressedBytes: output.written, uncompressedBytes: input.offset))
            }
            if let failure = step.failure { throw error(failure, at: input.offset) }
            if step.ended { break }
            if step.consumed == 0 && step.produced == 0 && (input.available > 0 || input.atEnd) {
                throw .library(self, "encoder made no progress at input byte \(input.offset)")
            }
        }
        var summary = ForeignSummary(format: self, uncompressedOrigin: .decoded)
        summary.compressedBytes = output.written
        summary.uncompressedBytes = input.offset
        summary.members = 1
        summary.check = checkWritten
        return summary
    }

    func makeEncoder(level: Int, pledgedSize: Int64?) throws(ForeignError) -> any ForeignCoder {
        switch self {
        case .gzip: try GzipEncoder(level: level)
        case .bzip2: try Bzip2Encoder(level: level)
        case .xz: try XzEncoder(level: level)
        case .zstd: try ZstdEncoder(level: level, pledgedSize: pledgedSize)
        }
    }
}

/// Decoders that learn more per member than the driver sees (xz's checks and
/// stream count, zstd's windows and checksums, bzip2's block sizes).
protocol MemberStatistics: AnyObject {
    var memberCount: Int? { get }
    var checkNames: String? { get }
    var memoryNeeded: UInt64? { get }
}

/// Joins the distinct checks met, in first-seen order.
struct CheckNames {
    private(set) var names: [String] = []
    mutating func add(_ name: String) { if !names.contains(name) { names.append(name) } }
    var joined: String? { names.isEmpty ? nil : names.joined(separator: "+") }
}
