/// No compression: the coded block is the raw block. Lets the container and
/// the harness be tested (and their overhead measured) without any coder.
public struct StoreCodec: Codec {
    public init() {}

    public static let descriptor = CodecDescriptor(
        name: "store", id: 0, summary: "no compression; copies blocks as they are",
        levels: [0], defaultLevel: 0, make: { _ in StoreCodec() })

    public func encode(_ input: UnsafeRawBufferPointer, into out: inout ByteBuffer) throws(CodecError) {
        out.append(contentsOf: input)
    }

    public func decode(_ input: UnsafeRawBufferPointer, originalCount: Int, into out: inout ByteBuffer) throws(CodecError) {
        guard input.count == originalCount else {
            throw input.count < originalCount ? .truncated
                : .corrupt("stored block holds \(input.count) bytes, expected \(originalCount)")
        }
        out.append(contentsOf: input)
    }
}
