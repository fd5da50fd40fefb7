import BitIO
#if canImport(Glibc)
import Glibc
#endif

/// The earlier content of one stream, readable by absolute stream offset: what the
/// long-range stage copies references from (docs/LONG.md).
///
/// Offsets count raw stream bytes from 0. `end` is the number of bytes appended so
/// far; `start` is the oldest offset still readable (0 when everything is kept).
/// Both the matcher and the rebuilder append each block after they are done with it,
/// so a block's own bytes are never read through the history, only through memory.
public protocol LongRangeHistory: AnyObject {
    /// Oldest readable stream offset.
    var start: Int64 { get }
    /// Stream bytes appended so far (one past the newest readable offset).
    var end: Int64 { get }
    /// Copies `count` bytes at stream offset `offset` into `buffer` (which holds at
    /// least `count` bytes); `start <= offset` and `offset + count <= end`, else it throws.
    func read(at offset: Int64, count: Int, into buffer: UnsafeMutableRawPointer) throws(CodecError)
    /// Records the next `bytes` of the stream (offsets `end ..< end + bytes.count`).
    func append(_ bytes: UnsafeRawBufferPointer) throws(CodecError)
    /// A pointer to `count` held bytes at `offset` if they sit in memory in one piece,
    /// else nil (then `read` copies them); valid until the next `append`.
    func contiguous(at offset: Int64, count: Int) -> UnsafeRawPointer?
}

extension LongRangeHistory {
    public func contiguous(at offset: Int64, count: Int) -> UnsafeRawPointer? { nil }

    /// The range check every implementation starts `read` with.
    @inline(__always)
    func checkReadable(_ offset: Int64, _ count: Int) throws(CodecError) {
        guard count >= 0, offset >= start, offset <= end, Int64(count) <= end - offset else {
            throw .invalidParameter("long-range history: read of \(count) bytes at stream offset \(offset) outside the bytes held (\(start)..<\(end))")
        }
    }
}

/// The last `capacity` bytes of the stream in memory: a ring reserved whole at the
/// first append (pages are committed as they are first written, so resident memory
/// grows with the stream up to `capacity`) that then overwrites its oldest bytes.
/// Right for pipes and for windows that fit in `--memory`.
public final class InMemoryHistory: LongRangeHistory {
    public let capacity: Int
    public private(set) var start: Int64 = 0
    public private(set) var end: Int64 = 0
    private var storage: UnsafeMutableRawPointer?
    private var allocated = 0

    /// `capacity` ≥ 1: the most bytes kept (the long-range window, or more).
    public init(capacity: Int) throws(CodecError) {
        guard capacity >= 1 else { throw .invalidParameter("long-range history: capacity \(capacity) must be at least 1") }
        self.capacity = capacity
    }

    deinit {
        if let storage { LargeAllocation.deallocate(storage.assumingMemoryBound(to: UInt8.self), count: capacity) }
    }

    /// Bytes held now (at most `capacity`).
    public var count: Int { Int(end - start) }

    public func append(_ bytes: UnsafeRawBufferPointer) throws(CodecError) {
        guard let from = bytes.baseAddress, bytes.count > 0 else { return }
        var src = from
        var n = bytes.count
        if n > capacity {
            // Only the last `capacity` bytes can ever be read again.
            src += n - capacity
            end += Int64(n - capacity)
            start = end
            n = capacity
        }
        if storage == nil {
            // The whole ring at once, in large pages where the system has them: the
            // kernel commits pages only as they are first written, so a short stream
            // costs only what it uses, and no growth ever copies the held bytes.
            guard let ring = LargeAllocation.tryAllocate(UInt8.self, count: capacity) else {
                throw .limitExceeded("long-range history of \(capacity) bytes: out of memory")
            }
            storage = UnsafeMutableRawPointer(ring)
            allocated = capacity
            base = start
        }
        guard let buf = storage else { return }
        // Physical position of stream offset o: (o - base) % allocated.
        var o = end
        var left = n
        var s = src
        while left > 0 {
            let phys = physical(o)
            let k = Swift.min(left, allocated - phys)
            (buf + phys).copyMemory(from: s, byteCount: k)
            s += k; o += Int64(k); left -= k
        }
        end += Int64(n)
        if end - start > Int64(allocated) { start = end - Int64(allocated) }
    }

    /// Stream offset of physical position 0 (the start when the ring was allocated; start ≥ base).
    private var base: Int64 = 0

    @inline(__always) private func physical(_ offset: Int64) -> Int { Int((offset - base) % Int64(allocated)) }

    public func read(at offset: Int64, count: Int, into buffer: UnsafeMutableRawPointer) throws(CodecError) {
        try checkReadable(offset, count)
        guard count > 0, let buf = storage else { return }
        copyOut(from: buf, size: allocated, physical: physical(offset), count: count, to: buffer)
    }

    /// A pointer to `count` held bytes at `offset` when they lie in one piece of the ring, else nil.
    public func contiguous(at offset: Int64, count: Int) -> UnsafeRawPointer? {
        guard count >= 0, offset >= start, Int64(count) <= end - offset, let buf = storage else { return nil }
        let phys = physical(offset)
        return phys + count <= allocated ? UnsafeRawPointer(buf + phys) : nil
    }

    private func copyOut(from buf: UnsafeMutableRawPointer, size: Int, physical: Int, count: Int, to dst: UnsafeMutableRawPointer) {
        var phys = physical
        var left = count
        var d = dst
        while left > 0 {
            let k = Swift.min(left, size - phys)
            d.copyMemory(from: buf + phys, byteCount: k)
            d += k; left -= k; phys = 0
        }
    }
}

/// Earlier content read back from a file with `pread`: the decoder's regular output
/// file (what it has already written) or the encoder's regular input file, so a window
/// of gigabytes costs no memory beyond the page cache.
///
/// Stream offset `o` is file offset `fileOffset + o`. With `writesAppended` false the
/// owner writes the file and `append` only counts the bytes (they must be in the file,
/// not in a user-space buffer, before the next `read`); with true, `append` writes them
/// with `pwrite`. The descriptor is not closed here.
public final class FileHistory: LongRangeHistory {
    public let descriptor: Int32
    public let fileOffset: Int64
    public let writesAppended: Bool
    public let start: Int64 = 0
    public private(set) var end: Int64 = 0
    /// A name for error messages (the file's path).
    public let name: String

    public init(descriptor: Int32, fileOffset: Int64 = 0, writesAppended: Bool = false, name: String = "history file") {
        self.descriptor = descriptor
        self.fileOffset = fileOffset
        self.writesAppended = writesAppended
        self.name = name
    }

    public func read(at offset: Int64, count: Int, into buffer: UnsafeMutableRawPointer) throws(CodecError) {
        try checkReadable(offset, count)
        var done = 0
        while done < count {
            let r = pread(descriptor, buffer + done, count - done, off_t(fileOffset + offset + Int64(done)))
            if r < 0 {
                if errno == EINTR { continue }
                throw .library("\(name): cannot read back \(count) bytes at stream offset \(offset): \(String(cString: strerror(errno)))")
            }
            if r == 0 {
                throw .corrupt("\(name): ends before stream offset \(offset + Int64(count)) (read back \(done) of \(count) bytes at \(offset))")
            }
            done += r
        }
    }

    public func append(_ bytes: UnsafeRawBufferPointer) throws(CodecError) {
        if writesAppended, let from = bytes.baseAddress {
            var done = 0
            while done < bytes.count {
                let w = pwrite(descriptor, from + done, bytes.count - done, off_t(fileOffset + end + Int64(done)))
                if w < 0 {
                    if errno == EINTR { continue }
                    throw .library("\(name): cannot write \(bytes.count) bytes at stream offset \(end): \(String(cString: strerror(errno)))")
                }
                done += w
            }
        }
        end += Int64(bytes.count)
    }
}
