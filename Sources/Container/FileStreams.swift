#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The system's message for the current `errno`.
public func systemErrorMessage(_ code: Int32 = errno) -> String {
    String(cString: strerror(code))
}

/// Reads from an open file descriptor (a file, a pipe, standard input).
public struct FileSource: ByteSource {
    public let fd: Int32
    public init(fd: Int32) { self.fd = fd }

    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws(SqzError) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            let n = Glibc.read(fd, base, buffer.count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw .io("read error: \(systemErrorMessage())")
        }
    }
}

/// Writes to an open file descriptor, retrying short writes.
public struct FileSink: ByteSink {
    public let fd: Int32
    public private(set) var written: Int64 = 0
    public init(fd: Int32) { self.fd = fd }

    public mutating func write(_ bytes: UnsafeRawBufferPointer) throws(SqzError) {
        guard var p = bytes.baseAddress else { return }
        var left = bytes.count
        while left > 0 {
            let n = Glibc.write(fd, p, left)
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EPIPE { throw .brokenPipe }
                throw .io("write error: \(systemErrorMessage())")
            }
            left -= n
            p += n
            written += Int64(n)
        }
    }
}
