/// A growable output buffer of bytes.
///
/// Storage is an array whose length is the capacity; `count` is how much of it
/// holds output. Coders reserve space once and then write through a raw
/// pointer (`withUnsafeAppendingSpace`), so no allocation happens per symbol.
public struct ByteBuffer: Sendable, Equatable {
    @usableFromInline var storage: [UInt8]
    @usableFromInline var _count: Int
    /// Number of valid bytes.
    @inlinable public var count: Int { _count }

    public init(capacity: Int = 0) {
        storage = [UInt8](repeating: 0, count: Swift.max(0, capacity))
        _count = 0
    }

    /// Room for `capacity` bytes whose storage is not written first, so a
    /// large buffer costs resident memory only as output reaches it (an
    /// encoder's output buffer sized for the worst case). Bytes past `count`
    /// are unspecified; nothing reads them.
    public init(untouchedCapacity capacity: Int) {
        let c = Swift.max(0, capacity)
        storage = [UInt8](unsafeUninitializedCapacity: c) { _, initialized in initialized = c }
        _count = 0
    }

    public init(_ bytes: some Sequence<UInt8>) {
        storage = Array(bytes)
        _count = storage.count
    }

    public var isEmpty: Bool { count == 0 }
    public var capacity: Int { storage.count }

    /// The valid bytes, copied into an array.
    public var bytes: [UInt8] { Array(storage[0..<count]) }

    public static func == (a: ByteBuffer, b: ByteBuffer) -> Bool {
        a.storage[0..<a.count] == b.storage[0..<b.count]
    }

    /// Makes sure at least `extra` more bytes fit without reallocating.
    @inlinable
    public mutating func reserve(_ extra: Int) {
        let need = count + extra
        if need > storage.count { grow(to: need) }
    }

    @usableFromInline
    mutating func grow(to need: Int) {
        var newCapacity = Swift.max(storage.count * 2, 64)
        while newCapacity < need { newCapacity *= 2 }
        storage.append(contentsOf: repeatElement(0, count: newCapacity - storage.count))
    }

    /// `storage` enlarged (by value, so a hot caller's state is not forced into memory).
    @usableFromInline
    static func grown(_ storage: [UInt8], toAtLeast need: Int) -> [UInt8] {
        var s = storage
        var newCapacity = Swift.max(s.count * 2, 64)
        while newCapacity < need { newCapacity *= 2 }
        s.append(contentsOf: repeatElement(0, count: newCapacity - s.count))
        return s
    }

    /// Forgets the contents, keeping the capacity.
    public mutating func removeAll() { _count = 0 }

    /// Shortens the buffer to `newCount` bytes.
    public mutating func truncate(to newCount: Int) {
        _count = Swift.max(0, Swift.min(_count, newCount))
    }

    @inlinable
    public mutating func append(_ byte: UInt8) {
        reserve(1)
        storage[_count] = byte
        _count += 1
    }

    public mutating func append(contentsOf bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        reserve(bytes.count)
        let start = count
        storage.withUnsafeMutableBytes { dst in
            guard let to = dst.baseAddress, let from = bytes.baseAddress else { return }
            to.advanced(by: start).copyMemory(from: from, byteCount: bytes.count)
        }
        _count += bytes.count
    }

    public mutating func append(contentsOf bytes: some Collection<UInt8>) {
        reserve(bytes.count)
        for b in bytes { storage[_count] = b; _count += 1 }
    }

    /// Appends a little-endian fixed-width integer.
    @inlinable
    public mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        reserve(MemoryLayout<T>.size)
        var v = value
        for _ in 0..<MemoryLayout<T>.size {
            storage[_count] = UInt8(truncatingIfNeeded: v)
            v = v >> 8
            _count += 1
        }
    }

    /// Gives `body` a pointer to `maxCount` bytes of writable space after the
    /// current end; `body` returns how many it wrote, which become valid.
    @inlinable
    public mutating func withUnsafeAppendingSpace<E: Error>(
        maxCount: Int, _ body: (UnsafeMutableRawBufferPointer) throws(E) -> Int
    ) throws(E) -> Int {
        reserve(maxCount)
        let start = count
        let result: Result<Int, E> = storage.withUnsafeMutableBytes { all in
            let region = UnsafeMutableRawBufferPointer(rebasing: all[start..<(start + maxCount)])
            return Result { () throws(E) -> Int in try body(region) }
        }
        let written = try result.get()
        _count = start + Swift.min(Swift.max(written, 0), maxCount)
        return written
    }

    /// Read access to the valid bytes.
    @inlinable
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        let n = count
        let result: Result<R, E> = storage.withUnsafeBytes { all in
            let region = UnsafeRawBufferPointer(rebasing: all[0..<n])
            return Result { () throws(E) -> R in try body(region) }
        }
        return try result.get()
    }

    /// Write access to the whole storage (capacity bytes); for coders that
    /// manage `count` themselves via `setCount`.
    @inlinable
    public mutating func withUnsafeMutableStorage<R, E: Error>(
        _ body: (UnsafeMutableRawBufferPointer) throws(E) -> R
    ) throws(E) -> R {
        let result: Result<R, E> = storage.withUnsafeMutableBytes { all in
            Result { () throws(E) -> R in try body(all) }
        }
        return try result.get()
    }

    /// Stores `word` big-endian at the end (growing so 8 bytes fit) and makes
    /// its first `validBytes` (0...8) bytes part of the contents: the bit writer's flush.
    @inlinable @inline(__always)
    public mutating func appendBigEndianWord(_ word: UInt64, validBytes: Int) {
        let at = _count
        if at &+ 8 > storage.count { storage = ByteBuffer.grown(storage, toAtLeast: at &+ 8) }
        storage.withUnsafeMutableBytes { raw in
            raw.baseAddress.unsafelyUnwrapped.storeBytes(of: word.bigEndian, toByteOffset: at, as: UInt64.self)
        }
        _count = at &+ Swift.min(Swift.max(validBytes, 0), 8)
    }

    /// Sets the number of valid bytes (at most the capacity).
    @inlinable
    public mutating func setCount(_ n: Int) {
        _count = Swift.max(0, Swift.min(n, storage.count))
    }
}
