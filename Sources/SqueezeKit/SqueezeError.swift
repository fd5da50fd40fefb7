import Container

/// Everything the one-call ``Squeeze`` API can report. Each message names what
/// is wrong: the codec or level asked for, the block that is damaged, the
/// memory a frame needs, or the file a read or write failed on.
public enum SqueezeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No codec of this name is in the registry; `known` lists the names that are.
    case unknownCodec(String, known: [String])
    /// The codec has no such level; `valid` lists its levels as typed ("1-9").
    case invalidLevel(codec: String, level: Int, valid: String)
    /// A block size outside what the `.sqz` format allows.
    case invalidBlockSize(Int)
    /// The input is not data squeeze compressed (it lacks the `.sqz` magic).
    case notCompressed
    /// The compressed data ends early; the message says where.
    case truncated(String)
    /// The compressed data is damaged; the message names the block and the check that failed.
    case corrupt(String)
    /// The data names a format version, codec, level or payload format this build does not have.
    case unsupported(String)
    /// Decoding would need more memory than `limit` (pass a larger `memoryLimit:`).
    case memoryLimit(needed: Int, limit: Int, what: String)
    /// Reading or writing a file failed; the message names the file.
    case io(String)
    /// A codec failed while compressing: a bug in that codec, not a property of the data.
    case codecFailed(String)
    /// The consumer of a stream went away or its task was cancelled.
    case cancelled

    public var description: String {
        switch self {
        case .unknownCodec(let name, let known):
            "unknown codec '\(name)'; known: \(known.joined(separator: ", "))"
        case .invalidLevel(let codec, let level, let valid):
            "codec \(codec) has no level \(level); its levels are \(valid)"
        case .invalidBlockSize(let n):
            "block size \(n) is outside \(SqzFormat.minBlockSize)...\(SqzFormat.maxBlockSize) bytes"
        case .notCompressed: "not squeeze data (.sqz): the magic bytes are missing"
        case .truncated(let why): "compressed data truncated: \(why)"
        case .corrupt(let why): "compressed data corrupt: \(why)"
        case .unsupported(let why): "unsupported: \(why)"
        case .memoryLimit(let needed, let limit, let what):
            "decoding needs \(SqzFormat.sizeText(needed)) of memory (\(what)), more than the limit of "
                + "\(SqzFormat.sizeText(limit)); pass memoryLimit: \(needed) or more to allow it"
        case .io(let why): why
        case .codecFailed(let why): "compression failed: \(why)"
        case .cancelled: "cancelled: the stream's consumer stopped reading"
        }
    }

    /// The container's error in the API's terms.
    init(_ e: SqzError) {
        switch e {
        case .notSqz: self = .notCompressed
        case .empty: self = .truncated("the input is empty (not even a frame header)")
        case .truncated: self = .truncated(e.description)
        case .unsupportedVersion, .unknownCodec, .unsupportedLevel: self = .unsupported(e.description)
        // A payload format a newer build wrote is not damage.
        case .blockCorrupt(let b, .unsupported(let why)): self = .unsupported("block \(b): \(why)")
        case .headerCorrupt, .blockHeaderCorrupt, .blockCorrupt, .checksumMismatch, .endCorrupt,
             .contentChecksumMismatch, .trailingData, .limitExceeded:
            self = .corrupt(e.description)
        case .memoryLimit(let needed, let limit, let what): self = .memoryLimit(needed: needed, limit: limit, what: what)
        case .brokenPipe: self = .io("broken pipe: the reader closed its end")
        case .io(let why): self = .io(why)
        case .encodeFailed(let ce): self = .codecFailed(ce.description)
        }
    }

    /// The same error with a file's path in front of its message.
    func naming(_ path: String) -> SqueezeError {
        switch self {
        case .truncated(let why): .truncated("\(path): \(why)")
        case .corrupt(let why): .corrupt("\(path): \(why)")
        case .unsupported(let why): .unsupported("\(path): \(why)")
        case .memoryLimit(let n, let l, let what): .memoryLimit(needed: n, limit: l, what: "\(path): \(what)")
        case .io(let why) where !why.hasPrefix(path): .io("\(path): \(why)")
        default: self
        }
    }
}
