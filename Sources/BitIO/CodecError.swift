/// Every failure a coder, a transform or the container can report.
///
/// Errors are values with a message that names what is wrong: decoders turn
/// bad input into one of these, never into a trap.
public enum CodecError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input ended before the decoder was done.
    case truncated
    /// The input is not what the format allows; the message says where and why.
    case corrupt(String)
    /// A size or count in the input is beyond what we accept before allocating.
    case limitExceeded(String)
    /// A codec id, version or parameter this build does not know.
    case unsupported(String)
    /// A caller passed a parameter outside its documented range.
    case invalidParameter(String)
    /// A system library reported an error (baseline codecs only).
    case library(String)

    public var description: String {
        switch self {
        case .truncated: "unexpected end of data (truncated)"
        case .corrupt(let why): "corrupt data: \(why)"
        case .limitExceeded(let why): "limit exceeded: \(why)"
        case .unsupported(let why): "unsupported: \(why)"
        case .invalidParameter(let why): "invalid parameter: \(why)"
        case .library(let why): "library error: \(why)"
        }
    }
}
