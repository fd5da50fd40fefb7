import Codecs

/// Where the container reads bytes from (a file, a pipe, memory).
public protocol ByteSource {
    /// Reads up to `buffer.count` bytes; returns 0 only at the end of the input.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(SqzError) -> Int
}

/// Where the container writes bytes to.
public protocol ByteSink {
    mutating func write(_ bytes: UnsafeRawBufferPointer) throws(SqzError)
}

/// A source over bytes in memory.
public struct MemorySource: ByteSource {
    public let bytes: [UInt8]
    public private(set) var offset = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(SqzError) -> Int {
        let n = Swift.min(buffer.count, bytes.count - offset)
        guard n > 0 else { return 0 }
        let start = offset
        bytes.withUnsafeBytes { src in
            buffer.baseAddress!.copyMemory(from: src.baseAddress!.advanced(by: start), byteCount: n)
        }
        offset += n
        return n
    }
}

/// A sink that keeps everything in memory.
public struct MemorySink: ByteSink {
    public private(set) var bytes: [UInt8] = []
    public init() {}
    public mutating func write(_ data: UnsafeRawBufferPointer) throws(SqzError) {
        bytes.append(contentsOf: data)
    }
}

/// A sink that only counts (for `test`).
public struct DiscardingSink: ByteSink {
    public private(set) var count = 0
    public init() {}
    public mutating func write(_ data: UnsafeRawBufferPointer) throws(SqzError) {
        count += data.count
    }
}

/// Fills `buffer` from `source` until it is full or the source ends; returns the count read.
func readFully<S: ByteSource>(_ source: inout S, into buffer: UnsafeMutableRawBufferPointer) throws(SqzError) -> Int {
    var filled = 0
    while filled < buffer.count {
        let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
        if n <= 0 { break }
        filled += n
    }
    return filled
}

/// Byte-at-a-time parsing on top of a `ByteSource`, with a count of bytes consumed.
struct BufferedReader<S: ByteSource> {
    var source: S
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    var position = 0
    var end = 0
    private(set) var consumed: Int64 = 0

    init(_ source: S) { self.source = source }

    /// Refills when empty; false at the end of input.
    mutating func fill() throws(SqzError) -> Bool {
        if position < end { return true }
        var src = source
        let n: Int
        do {
            n = try buffer.withUnsafeMutableBytes { raw in try src.read(into: raw) }
        } catch let e as SqzError {
            source = src
            throw e
        } catch {
            source = src
            throw .io("\(error)")
        }
        source = src
        position = 0
        end = n
        return n > 0
    }

    /// The next `count` (≤ 64 Ki) bytes without consuming them; fewer at the end of input.
    mutating func peek(_ count: Int) throws(SqzError) -> [UInt8] {
        if end - position < count {
            // Move what is left to the front and read behind it until there is enough.
            let left = end - position
            for i in 0..<left { buffer[i] = buffer[position + i] }
            position = 0
            end = left
            while end < count {
                var src = source
                let got = end
                let n: Int
                do {
                    n = try buffer.withUnsafeMutableBytes { raw in
                        try src.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[got...]))
                    }
                } catch let e as SqzError {
                    source = src
                    throw e
                } catch {
                    source = src
                    throw .io("\(error)")
                }
                source = src
                if n <= 0 { break }
                end += n
            }
        }
        return Array(buffer[position..<Swift.min(end, position + count)])
    }

    /// Consumes `count` bytes, passing each piece to `body`; false when the input ends first.
    mutating func skip(_ count: UInt64, _ body: (UnsafeRawBufferPointer) -> Void) throws(SqzError) -> Bool {
        var left = count
        while left > 0 {
            guard try fill() else { return false }
            let n = Int(Swift.min(left, UInt64(end - position)))
            buffer.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[position..<(position + n)])) }
            position += n
            consumed += Int64(n)
            left -= UInt64(n)
        }
        return true
    }

    mutating func readByte() throws(SqzError) -> UInt8? {
        guard try fill() else { return nil }
        let b = buffer[position]
        position += 1
        consumed += 1
        return b
    }

    /// Reads exactly `count` bytes, growing the result only as data arrives (so a
    /// declared size larger than the file never allocates the whole amount).
    mutating func readExact(_ count: Int, into out: inout [UInt8]) throws(SqzError) -> Bool {
        out.removeAll(keepingCapacity: true)
        while out.count < count {
            guard try fill() else { return false }
            let n = Swift.min(count - out.count, end - position)
            out.append(contentsOf: buffer[position..<(position + n)])
            position += n
            consumed += Int64(n)
        }
        return true
    }

    /// LEB128 varint of at most 9 bytes (63 bits); nil at the end of input.
    mutating func readVarint() throws(SqzError) -> (value: UInt64, bytes: [UInt8])? {
        var value: UInt64 = 0
        var raw: [UInt8] = []
        for i in 0..<9 {
            guard let b = try readByte() else { return nil }
            raw.append(b)
            value |= UInt64(b & 0x7F) << (7 * UInt64(i))
            if b & 0x80 == 0 { return (value, raw) }
        }
        throw .limitExceeded("size field longer than 9 bytes")
    }
}

// Typed-throws access to array storage. (Passing a `throws(E)` closure straight
// to the standard library's `rethrows` methods crashes the Swift 6.3 compiler,
// so the error travels through a Result.)
@inline(__always)
func withBytes<R>(_ a: [UInt8], _ body: (UnsafeRawBufferPointer) throws(SqzError) -> R) throws(SqzError) -> R {
    let r: Result<R, SqzError> = a.withUnsafeBytes { p in Result { () throws(SqzError) -> R in try body(p) } }
    return try r.get()
}

@inline(__always)
func withMutableBytes<R>(_ a: inout [UInt8], _ body: (UnsafeMutableRawBufferPointer) throws(SqzError) -> R) throws(SqzError) -> R {
    let r: Result<R, SqzError> = a.withUnsafeMutableBytes { p in Result { () throws(SqzError) -> R in try body(p) } }
    return try r.get()
}

extension ByteSink {
    mutating func write(_ bytes: [UInt8]) throws(SqzError) {
        try withBytes(bytes) { (p) throws(SqzError) in try self.write(p) }
    }
}
