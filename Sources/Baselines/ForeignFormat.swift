import Container

/// The four plain compressed formats squeeze reads and writes through the
/// system libraries, so one tool serves scripts that meet `.gz`, `.bz2`, `.xz`
/// and `.zst` files: gzip (RFC 1952) through zlib, bzip2 through libbz2, xz
/// through liblzma and zstd (RFC 8878) through libzstd.
///
/// These are whole files in the tools' own formats, unlike the baseline
/// codecs (`ZlibCodec` and the others), which code one `.sqz` block each.
public enum ForeignFormat: String, CaseIterable, Sendable {
    case gzip, bzip2, xz, zstd

    /// Bytes `detect` needs to tell every format apart (xz's magic is the longest).
    public static let magicLength = 6

    /// The format whose magic number starts `prefix`, or nil. The magics are
    /// gzip 1f 8b (RFC 1952), bzip2 "BZh" and a block-size digit 1-9, xz
    /// fd "7zXZ" 00 and zstd 28 b5 2f fd (RFC 8878).
    public static func detect(_ prefix: UnsafeRawBufferPointer) -> ForeignFormat? {
        let n = prefix.count
        if n >= 2, prefix[0] == 0x1F, prefix[1] == 0x8B { return .gzip }
        if n >= 4, prefix[0] == 0x42, prefix[1] == 0x5A, prefix[2] == 0x68, (0x31...0x39).contains(prefix[3]) {
            return .bzip2
        }
        if n >= 6, prefix[0] == 0xFD, prefix[1] == 0x37, prefix[2] == 0x7A, prefix[3] == 0x58,
           prefix[4] == 0x5A, prefix[5] == 0x00 {
            return .xz
        }
        if n >= 4, prefix[0] == 0x28, prefix[1] == 0xB5, prefix[2] == 0x2F, prefix[3] == 0xFD { return .zstd }
        return nil
    }

    public static func detect(_ prefix: [UInt8]) -> ForeignFormat? {
        prefix.withUnsafeBytes { detect($0) }
    }

    /// Reads the first `magicLength` bytes of `source` (fewer only at its end) and
    /// names the format they start; the bytes read go back in front of the
    /// source through `PrefixedSource` or the `prefix:` argument of `decompress`.
    public static func sniff<S: ByteSource>(_ source: inout S) throws(ForeignError) -> (format: ForeignFormat?, prefix: [UInt8]) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: magicLength, alignment: 1)
        defer { buffer.deallocate() }
        var filled = 0
        while filled < magicLength {
            let n: Int
            do {
                n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
            } catch {
                throw .io(error)
            }
            if n <= 0 { break }
            filled += n
        }
        let prefix = [UInt8](buffer[0..<filled])
        return (detect(prefix), prefix)
    }

    /// A format by its name or its file suffix without the dot: "gzip" or "gz",
    /// "bzip2" or "bz2", "xz", "zstd" or "zst" (case-insensitive).
    public init?(name: String) {
        switch name.lowercased() {
        case "gzip", "gz": self = .gzip
        case "bzip2", "bz2": self = .bzip2
        case "xz": self = .xz
        case "zstd", "zst": self = .zstd
        default: return nil
        }
    }

    /// The usual file name suffix: ".gz", ".bz2", ".xz", ".zst".
    public var fileExtension: String {
        switch self {
        case .gzip: ".gz"
        case .bzip2: ".bz2"
        case .xz: ".xz"
        case .zstd: ".zst"
        }
    }

    /// Splits a file name the tools would decompress: "a.txt.gz" gives (.gzip,
    /// "a.txt"); the tar short forms ".tgz", ".tbz2", ".tbz", ".txz", ".tzst"
    /// give "NAME.tar", as gzip and xz name them. Nil for other names and for a
    /// bare suffix with no name before it.
    public static func strippingExtension(_ name: String) -> (format: ForeignFormat, base: String)? {
        let suffixes: [(String, ForeignFormat, String)] = [
            (".gz", .gzip, ""), (".tgz", .gzip, ".tar"),
            (".bz2", .bzip2, ""), (".tbz2", .bzip2, ".tar"), (".tbz", .bzip2, ".tar"),
            (".xz", .xz, ""), (".txz", .xz, ".tar"),
            (".zst", .zstd, ""), (".tzst", .zstd, ".tar"),
        ]
        for (suffix, format, replacement) in suffixes where name.hasSuffix(suffix) {
            let stem = String(name.dropLast(suffix.count))
            if stem.isEmpty || stem.hasSuffix("/") { return nil }
            return (format, stem + replacement)
        }
        return nil
    }

    // MARK: Levels

    /// Every level `compress` accepts. xz's extreme presets 0e-9e are 10...19 (as
    /// in `XzCodec`); zstd's 20...22 are its "ultra" levels.
    public var levels: ClosedRange<Int> {
        switch self {
        case .gzip, .bzip2: 1...9
        case .xz: 0...19
        case .zstd: 1...22
        }
    }

    /// The level each tool uses when given none (gzip 6, bzip2 9, xz 6, zstd 3).
    public var defaultLevel: Int {
        switch self {
        case .gzip: 6
        case .bzip2: 9
        case .xz: 6
        case .zstd: 3
        }
    }

    /// The valid levels in words, for help and error messages.
    public var levelDescription: String {
        switch self {
        case .gzip, .bzip2: "1-9"
        case .xz: "0-9, or 0e-9e for the extreme presets"
        case .zstd: "1-19, or 20-22 (ultra: larger windows, more decoder memory)"
        }
    }

    /// A level as the tools write it: "6", or "9e" for xz's extreme presets.
    public func label(forLevel level: Int) -> String {
        self == .xz && level >= 10 ? "\(level - 10)e" : String(level)
    }

    /// Parses a level as the tools write it ("9", "9e" for xz); nil when the
    /// format has no such level.
    public func parseLevel(_ text: String) -> Int? {
        var digits = Substring(text)
        var extreme = false
        if self == .xz, digits.hasSuffix("e") {
            extreme = true
            digits = digits.dropLast()
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), digits.count <= 3,
              let n = Int(digits) else { return nil }
        let level = extreme ? (n <= 9 ? n + 10 : -1) : n
        return levels.contains(level) ? level : nil
    }

    /// The integrity check each format's own tool writes and `compress` writes too.
    public var checkWritten: String {
        switch self {
        case .gzip, .bzip2: "CRC32"
        case .xz: "CRC64"
        case .zstd: "XXH64"
        }
    }
}

/// What a run read and wrote.
public struct ForeignSummary: Equatable, Sendable {
    /// Where `uncompressedBytes` comes from.
    public enum SizeOrigin: String, Equatable, Sendable {
        /// Counted while decoding (exact, and the data was verified).
        case decoded
        /// Declared by every frame's header (zstd frame content sizes); not verified.
        case declared
        /// The last gzip member's ISIZE field: the size modulo 2^32 of that member
        /// only, which is what `gzip -l` shows; exact for one member under 4 GiB.
        case gzipTrailer
        /// Not known without decoding (a zstd frame without a content size).
        case unknown
    }

    public var format: ForeignFormat
    /// Bytes of compressed data read (decoding) or written (compressing).
    public var compressedBytes: Int64 = 0
    /// The uncompressed size, nil when `uncompressedOrigin` is `.unknown`.
    public var uncompressedBytes: Int64?
    public var uncompressedOrigin: SizeOrigin
    /// gzip members, bzip2 streams, xz streams or zstd frames (skippable frames
    /// not counted); nil when not counted (`inspect` of gzip without `exact`).
    public var members: Int?
    /// The integrity checks met: "CRC32", "CRC64", "SHA-256", "XXH64" or "none",
    /// several joined by "+" when members differ.
    public var check: String?
    /// Decoder memory the largest member needed where the format says it
    /// (xz: liblzma's figure; zstd: the window; bzip2: the block buffers).
    public var memoryNeeded: UInt64?
    /// All-zero bytes after the last member, skipped as gzip skips tape padding.
    public var ignoredZeroBytes: Int64 = 0

    public init(format: ForeignFormat, uncompressedOrigin: SizeOrigin) {
        self.format = format
        self.uncompressedOrigin = uncompressedOrigin
    }

    /// compressed / uncompressed, or nil with no known uncompressed size.
    public var ratio: Double? {
        guard let u = uncompressedBytes, u > 0 else { return nil }
        return Double(compressedBytes) / Double(u)
    }
}

/// How far a run has got, for a progress display.
public struct ForeignProgress: Equatable, Sendable {
    public var compressedBytes: Int64
    public var uncompressedBytes: Int64
}

/// What can go wrong reading or writing a foreign file. Messages start with the
/// format; the CLI prefixes the file name.
public enum ForeignError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input ended inside a member (or was empty); `offset` is the input's length.
    case truncated(ForeignFormat, offset: Int64)
    /// The library rejected the data; `offset` is how far into the input it had read.
    case corrupt(ForeignFormat, offset: Int64, String)
    /// Bytes after the last member that are neither another member nor zero padding.
    case trailingData(ForeignFormat, offset: Int64)
    /// An xz stream with an integrity check this liblzma cannot verify.
    case unsupportedCheck(ForeignFormat, String)
    /// Decoding needs more memory than allowed (both in bytes).
    case memoryLimit(ForeignFormat, needed: UInt64, limit: UInt64)
    /// `compress` was given a level the format does not have.
    case invalidLevel(ForeignFormat, Int)
    /// Reading the input or writing the output failed.
    case io(SqzError)
    /// The library failed for a reason that is not the data's (out of memory, a bug).
    case library(ForeignFormat, String)

    public var description: String {
        switch self {
        case .truncated(let f, let offset):
            offset == 0 ? "\(f): empty input (truncated)"
                : "\(f): unexpected end of input after \(offset) bytes (truncated)"
        case .corrupt(let f, let offset, let why):
            "\(f): corrupt data near byte \(offset): \(why)"
        case .trailingData(let f, let offset):
            "\(f): trailing data after the last \(f.memberName) at byte \(offset)"
        case .unsupportedCheck(let f, let why):
            "\(f): \(why)"
        case .memoryLimit(let f, let needed, let limit):
            // The same words and size forms as the .sqz reader's `SqzError.memoryLimit`.
            "\(f): decoding needs \(SqzFormat.sizeText(Int(clamping: needed))) of memory, more than the limit of "
                + "\(SqzFormat.sizeText(Int(clamping: limit))); allow it with --memory=\(SqzFormat.sizeArgument(Int(clamping: needed)))"
        case .invalidLevel(let f, let level):
            "\(f) has no level \(level) (levels: \(f.levelDescription))"
        case .io(let e):
            e.description
        case .library(let f, let why):
            "\(f): \(why)"
        }
    }

}

extension ForeignFormat {
    /// What the format calls one of the pieces that may be concatenated.
    public var memberName: String {
        switch self {
        case .gzip: "member"
        case .bzip2, .xz: "stream"
        case .zstd: "frame"
        }
    }
}

/// A source that yields `prefix` first, then `source`: gives back the bytes
/// `ForeignFormat.sniff` read, e.g. to hand a `.sqz` input to `SqzDecompressor`.
public struct PrefixedSource<S: ByteSource>: ByteSource {
    public private(set) var prefix: [UInt8]
    public private(set) var source: S
    private var used = 0

    public init(prefix: [UInt8], source: S) {
        self.prefix = prefix
        self.source = source
    }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(SqzError) -> Int {
        if used < prefix.count {
            let n = Swift.min(buffer.count, prefix.count - used)
            guard n > 0, let base = buffer.baseAddress else { return 0 }
            for i in 0..<n { base.storeBytes(of: prefix[used + i], toByteOffset: i, as: UInt8.self) }
            used += n
            return n
        }
        return try source.read(into: buffer)
    }
}
