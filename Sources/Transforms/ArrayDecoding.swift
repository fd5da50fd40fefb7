import BitIO

/// The array conveniences of the value transforms (`RecencyRank`,
/// `IntervalTransform`): runs a buffer-based decoder that writes one byte per
/// value over arrays, rethrowing its typed error (through a returned value,
/// since a typed-throwing closure must not be handed to the standard library's
/// `rethrows` APIs with this compiler).
enum ArrayDecoding {
    static func bytes(
        from values: [UInt32],
        _ decode: (UnsafeBufferPointer<UInt32>, UnsafeMutableRawBufferPointer) throws(CodecError) -> Void
    ) throws(CodecError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: values.count)
        let failure: CodecError? = values.withUnsafeBufferPointer { i in
            out.withUnsafeMutableBytes { o in
                do throws(CodecError) { try decode(i, o); return nil } catch { return error }
            }
        }
        if let failure { throw failure }
        return out
    }
}
