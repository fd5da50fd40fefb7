import Codecs

/// The system compression libraries, behind the same `Codec` protocol as ours.
/// They are the comparison targets: each writes its library's own stream
/// format, so the real command-line tools read what they produce.
public enum Baselines {
    public static let all: [CodecDescriptor] = [
        ZlibCodec.descriptor,
        Bzip2Codec.descriptor,
        XzCodec.descriptor,
        ZstdCodec.descriptor,
    ]

    /// The largest block a baseline decodes: far above any block size the
    /// container allows, and low enough that sizes derived from it (one byte of
    /// slack, twice it for the xz memory limit) cannot overflow.
    static let maximumBlockSize = 1 << 48

    /// Refuses an original size no block can have, before any arithmetic on it.
    static func checkOriginalCount(_ count: Int, _ codec: String) throws(CodecError) {
        guard count >= 0 else { throw .invalidParameter("\(codec): negative original size \(count)") }
        guard count <= maximumBlockSize else {
            throw .limitExceeded("\(codec): block of \(count) bytes exceeds \(maximumBlockSize)")
        }
    }
}
