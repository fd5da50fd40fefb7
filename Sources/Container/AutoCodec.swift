import BitIO
import Codecs
import Transforms

/// Auto mode as a block codec, for the comparison harness (`squeeze compare
/// --algos auto:3`), which measures codecs block by block without frames. Each
/// block's payload starts with what a version-2 block header would name — codec
/// id, level, filter id and, for delta, its stride — then the chosen codec's
/// payload of the filtered bytes. `.sqz` frames never hold this codec: there
/// the choices live in the block headers (docs/AUTO.md, docs/FORMAT.md).
public struct AutoCodec: Codec {
    public let selector: AutoSelector
    public let registry: CodecRegistry

    public init(level: Int, registry: CodecRegistry = CodecRegistry(BuiltinCodecs.all)) {
        selector = AutoSelector(level: level)
        self.registry = registry
    }

    public static let descriptor = CodecDescriptor(
        name: AutoSelector.name, id: SqzFormat.autoCodecID,
        summary: "auto mode: per block, a filter and one of our codecs chosen from the block's statistics (auto:3 trial-codes a prefix); harness only, frames name each block's choice",
        levels: Array(AutoSelector.levels), defaultLevel: AutoSelector.defaultLevel, strongestLevel: AutoSelector.levels.upperBound,
        blockSize: { AutoSelector(level: $0).blockSize },
        make: { AutoCodec(level: $0) },
        // The largest block codec auto may choose.
        decodeMemory: { level, n in max(BWTCodec.descriptor.decodeMemory(9, n), CMCodec.descriptor.decodeMemory(9, n)) })

    public func encode(_ input: UnsafeRawBufferPointer, into out: inout ByteBuffer) throws(CodecError) {
        // Coded as the container codes an auto block: filtered, or stored unfiltered when it does not shrink.
        let payload: SqzCompressor.BlockPayload
        switch SqzCompressor.encodeBlock([UInt8](input), plan: selector.choose(input)) {
        case .success(let p): payload = p
        case .failure(let e): throw e
        }
        out.append(contentsOf: [payload.codecID, payload.level, payload.filter.id])
        if let p = payload.filter.parameter { out.append(p) }
        payload.payload.withUnsafeBytes { out.append(contentsOf: $0) }
    }

    public func decode(_ input: UnsafeRawBufferPointer, originalCount: Int, into out: inout ByteBuffer) throws(CodecError) {
        guard input.count >= 3 else { throw .truncated }
        let id = input[0], level = Int(input[1]), filterID = input[2]
        var at = 3
        var parameter: UInt8? = nil
        if BlockFilter.hasParameter(id: filterID) {
            guard input.count > at else { throw .truncated }
            parameter = input[at]
            at += 1
        }
        let filter: BlockFilter
        switch BlockFilter.from(id: filterID, parameter: parameter) {
        case .success(let f): filter = f
        case .failure(let e): throw .corrupt("auto block: \(e)")
        }
        guard id != SqzFormat.autoCodecID, let d = registry.withID(id), d.levels.contains(level) else {
            throw .unsupported("auto block names codec \(id) at level \(level), which this build does not have")
        }
        let start = out.count
        try d.make(level).decode(UnsafeRawBufferPointer(rebasing: input[at...]), originalCount: originalCount, into: &out)
        guard out.count == start + originalCount else { throw .corrupt("auto block decoded to \(out.count - start) bytes, expected \(originalCount)") }
        if filter != .none {
            out.withUnsafeMutableStorage { all in filter.invert(UnsafeMutableRawBufferPointer(rebasing: all[start..<(start + originalCount)])) }
        }
    }
}
