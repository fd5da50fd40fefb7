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
}
