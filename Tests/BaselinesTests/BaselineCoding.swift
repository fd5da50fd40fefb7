import Baselines
import Codecs
import TestSupport

/// Encode and decode helpers for the baseline tests.
enum BaselineCoding {
    static func descriptor(_ name: String) throws -> CodecDescriptor {
        guard let d = Baselines.all.first(where: { $0.name == name }) else {
            throw BaselineTestError( "no baseline named \(name)")
        }
        return d
    }

    static func encode(_ codec: any Codec, _ input: [UInt8]) throws -> [UInt8] {
        var out = ByteBuffer()
        try input.withUnsafeBytes { raw in try codec.encode(raw, into: &out) }
        return out.bytes
    }

    /// Decodes, returning the decoded bytes or the codec's error (any other error is a failure).
    static func decode(_ codec: any Codec, _ coded: [UInt8], count: Int) -> Result<[UInt8], CodecError> {
        var out = ByteBuffer()
        do {
            try coded.withUnsafeBytes { raw in try codec.decode(raw, originalCount: count, into: &out) }
            return .success(out.bytes)
        } catch let error as CodecError {
            return .failure(error)
        } catch {
            return .failure(.library("not a CodecError: \(error)"))
        }
    }

    /// Small, mixed input whose coded form is a few hundred bytes: text-like
    /// phrases, a run and some random bytes, so every part of the format appears.
    static let smallInput: [UInt8] = {
        var bytes = Array("Squeeze tests: the quick brown fox jumps over the lazy dog; the lazy dog sleeps. ".utf8)
        bytes += bytes
        bytes += [UInt8](repeating: 0x20, count: 40)
        bytes += Generators.random(48, seed: 7)
        bytes += Generators.repetitive(200, seed: 11)
        return bytes
    }()
}

struct BaselineTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
