import Container

/// What can go wrong with an archive. Messages name the member (printed with
/// control characters and invalid UTF-8 escaped) and, for damaged data, the block.
public enum ArchiveError: Error, CustomStringConvertible, Equatable {
    /// The compressed stream is damaged or a limit was reached reading it.
    case container(SqzError)
    /// A member is refused or failed; the name is already made printable.
    case member(String, String)
    /// The index frame is damaged or disagrees with the content.
    case index(String)
    case io(String)
    /// libarchive reported a problem outside any one member.
    case library(String)
    /// A member asked for is not in the archive.
    case notFound(String)

    public var description: String {
        switch self {
        case .container(let e): "\(e)"
        case .member(let name, let why): "member '\(name)': \(why)"
        case .index(let why): "archive index: \(why) (the content frame may still be whole: squeeze -dc ARCHIVE | tar -x reads it without the index)"
        case .io(let why): why
        case .library(let why): why
        case .notFound(let name): "member '\(name)' is not in the archive"
        }
    }

    /// This error said of `member` (a damaged block while extracting it, say).
    func about(member name: [UInt8]) -> ArchiveError {
        switch self {
        case .member, .notFound: self
        default: .member(printable(name), description)
        }
    }
}

/// A name for messages: printable ASCII and valid UTF-8 as they are, control
/// characters and bytes that are not UTF-8 as \xNN, so a hostile name cannot
/// move the cursor or hide itself on a terminal.
public func printable(_ name: [UInt8]) -> String {
    var out = ""
    var i = 0
    while i < name.count {
        let b = name[i]
        if b >= 0x20 && b < 0x7F {
            out.unicodeScalars.append(Unicode.Scalar(b))
            i += 1
            continue
        }
        if b >= 0x80, let (scalar, length) = decodeUTF8(name, at: i), scalar.value >= 0xA0 {
            out.unicodeScalars.append(scalar)
            i += length
            continue
        }
        out += "\\x" + (b < 16 ? "0" : "") + String(b, radix: 16)
        i += 1
    }
    return out
}

/// One UTF-8 sequence at `i` (shortest form, no surrogates), or nil.
func decodeUTF8(_ s: [UInt8], at i: Int) -> (Unicode.Scalar, Int)? {
    let b0 = UInt32(s[i])
    let (length, initial, minimum): (Int, UInt32, UInt32)
    switch b0 {
    case 0xC2...0xDF: (length, initial, minimum) = (2, b0 & 0x1F, 0x80)
    case 0xE0...0xEF: (length, initial, minimum) = (3, b0 & 0x0F, 0x800)
    case 0xF0...0xF4: (length, initial, minimum) = (4, b0 & 0x07, 0x10000)
    default: return nil
    }
    guard i + length <= s.count else { return nil }
    var v = initial
    for k in 1..<length {
        let b = UInt32(s[i + k])
        guard b & 0xC0 == 0x80 else { return nil }
        v = v << 6 | (b & 0x3F)
    }
    guard v >= minimum, let scalar = Unicode.Scalar(v) else { return nil }
    return (scalar, length)
}

/// True when every byte of `s` is part of valid UTF-8.
func isValidUTF8(_ s: [UInt8]) -> Bool {
    var i = 0
    while i < s.count {
        if s[i] < 0x80 { i += 1; continue }
        guard let (_, n) = decodeUTF8(s, at: i) else { return false }
        i += n
    }
    return true
}
