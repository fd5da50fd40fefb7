@_exported import BitIO
@_exported import Entropy
@_exported import Transforms
@_exported import Codecs
@_exported import Container
@_exported import Baselines
@_exported import Harness

extension CodecRegistry {
    /// Every codec this build knows: ours and the system baselines.
    public static let standard: CodecRegistry = CodecRegistry(BuiltinCodecs.all + Baselines.all)
}
