import Codecs

/// The system compression libraries, behind the same `Codec` protocol as ours.
public enum Baselines {
    public static let all: [CodecDescriptor] = []
}
