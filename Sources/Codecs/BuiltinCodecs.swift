/// The codecs written in this package. Ids are stable: they are stored in
/// `.sqz` frames (see docs/FORMAT.md for the table of assigned ids).
public enum BuiltinCodecs {
    public static let all: [CodecDescriptor] = [
        StoreCodec.descriptor,
        HuffmanCodec.descriptor,
        ArithCodec.descriptor,
        ANSCodec.descriptor,
        LZFastCodec.descriptor,
        LZWCodec.descriptor,
        LZWArithCodec.descriptor,
        LZ77EliasCodec.descriptor,
        LZ77HuffmanCodec.descriptor,
        LZ77ArithCodec.descriptor,
        PPMCodec.descriptor,
        PPMCodec.ppmaDescriptor,
        PPMCodec.ppmbDescriptor,
        PPMCodec.ppmcDescriptor,
        PPMCodec.ppmdDescriptor,
        RecencyRankCodec.descriptor,
        IntervalCodec.descriptor,
        BWTHuffmanCodec.descriptor,
        BWTCodec.descriptor,
        CMCodec.descriptor,
    ]
}
