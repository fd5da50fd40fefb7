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

    /// What one call of a library's streaming decoder did.
    enum DecodeStatus {
        /// The stream (or member) ended.
        case ended
        /// Still going: more input or more room wanted.
        case going
        /// The library refused the data or failed.
        case failed(CodecError)
    }

    /// The decode loop zlib, bzip2 and xz share: feeds the library `input` and
    /// room in `dst` (one byte more than `originalCount`, so a stream that
    /// holds more is caught) at most `chunkLimit` bytes at a time, through
    /// `call`, which runs the library once over the buffers it is given and
    /// returns its status with the bytes it consumed and produced; then checks that the
    /// stream ends exactly at the end of the input with exactly
    /// `originalCount` bytes. `what` names the stream in errors ("gzip member").
    static func decodeStream(
        _ what: String, input: UnsafeRawBufferPointer, into dst: UnsafeMutableRawBufferPointer, originalCount: Int,
        chunkLimit: Int = Int(UInt32.max),
        _ call: (_ input: UnsafeRawBufferPointer, _ output: UnsafeMutableRawBufferPointer) -> (DecodeStatus, CoderStep)
    ) throws(CodecError) -> Int {
        var inPos = 0, outPos = 0
        while true {
            let inChunk = Swift.min(input.count - inPos, chunkLimit)
            let outChunk = Swift.min(dst.count - outPos, chunkLimit)
            let (status, step) = call(UnsafeRawBufferPointer(rebasing: input[inPos..<(inPos + inChunk)]),
                                      UnsafeMutableRawBufferPointer(rebasing: dst[outPos..<(outPos + outChunk)]))
            inPos += step.consumed
            outPos += step.produced
            guard outPos <= originalCount else { throw .corrupt("\(what) decodes to more than \(originalCount) bytes") }
            switch status {
            case .ended:
                guard inPos == input.count else { throw .corrupt("\(what): \(input.count - inPos) bytes after its end") }
                guard outPos == originalCount else {
                    throw .corrupt("\(what) decodes to \(outPos) bytes, expected \(originalCount)")
                }
                return outPos
            case .going:
                if step.consumed == 0 && step.produced == 0 {
                    // No progress with room left to write: the decoder wants more input.
                    if inPos == input.count { throw .truncated }
                    throw .library("\(what): the decoder made no progress at input byte \(inPos)")
                }
            case .failed(.corrupt(let why)):
                throw .corrupt("\(why) (near input byte \(inPos))")
            case .failed(let error):
                throw error
            }
        }
    }
}
