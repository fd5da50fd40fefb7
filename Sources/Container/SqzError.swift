import Codecs

/// What can go wrong reading or writing a `.sqz` frame. Messages name the
/// block and the problem; the CLI prefixes the file name.
public enum SqzError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input does not start with the `.sqz` magic bytes.
    case notSqz
    /// The input is empty (not even a header).
    case empty
    case unsupportedVersion(UInt8)
    case unknownCodec(UInt8)
    case unsupportedLevel(codec: String, level: UInt8)
    /// The frame header's own checksum or fields are wrong.
    case headerCorrupt(String)
    /// The input ended early; the string says where.
    case truncated(String)
    /// A block header is damaged (its checksum or a field is wrong).
    case blockHeaderCorrupt(block: Int, String)
    /// The codec rejected a block's payload.
    case blockCorrupt(block: Int, CodecError)
    /// A block decoded, but its bytes do not match the stored CRC32.
    case checksumMismatch(block: Int)
    /// The end marker is damaged or disagrees with the blocks read.
    case endCorrupt(String)
    case contentChecksumMismatch
    case trailingData
    case limitExceeded(String)
    /// Decoding would need more memory than the caller allows.
    case memoryLimit(needed: Int, limit: Int, what: String)
    /// Standard output (or another pipe) was closed by the reader.
    case brokenPipe
    /// Encoding failed inside a codec (not expected for valid input).
    case encodeFailed(CodecError)
    /// A read or write failed; the string is the system's message.
    case io(String)

    public var description: String {
        switch self {
        case .notSqz: "not in .sqz format"
        case .empty: "empty file, not in .sqz format"
        case .unsupportedVersion(let v): "unsupported format version \(v) (this build reads versions \(SqzFormat.readableVersions.lowerBound)–\(SqzFormat.readableVersions.upperBound))"
        case .unknownCodec(let id): "unknown codec id \(id)"
        case .unsupportedLevel(let c, let l): "codec \(c) has no level \(l)"
        case .headerCorrupt(let why): "frame header corrupt: \(why)"
        case .truncated(let where_): "unexpected end of file \(where_) (truncated)"
        case .blockHeaderCorrupt(let b, let why): "block \(b): header corrupt: \(why)"
        case .blockCorrupt(let b, let e): "block \(b): \(e)"
        case .checksumMismatch(let b): "block \(b): checksum mismatch"
        case .endCorrupt(let why): "end marker corrupt: \(why)"
        case .contentChecksumMismatch: "whole-content checksum mismatch"
        case .trailingData: "trailing data after the end of the frame"
        case .limitExceeded(let why): "limit exceeded: \(why)"
        case .memoryLimit(let need, let limit, let what):
            "decoding needs \(SqzFormat.sizeText(need)) of memory (\(what)), more than the limit of "
                + "\(SqzFormat.sizeText(limit)); allow it with --memory=\(SqzFormat.sizeArgument(need))"
        case .brokenPipe: "broken pipe"
        case .encodeFailed(let e): "compression failed: \(e)"
        case .io(let why): why
        }
    }
}
