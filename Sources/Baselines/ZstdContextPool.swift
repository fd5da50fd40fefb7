import Codecs
import CZstd
import Synchronization

/// A few idle zstd contexts kept for reuse. Making a context per block costs
/// allocations and fresh-page faults that show at the fast levels; reusing one
/// only needs a parameter reset. At most `capacity` idle contexts of each kind
/// are kept, so memory held between calls stays bounded.
final class ZstdContextPool: Sendable {
    static let shared = ZstdContextPool()

    private static let capacity = 4
    // Raw addresses rather than OpaquePointer so the lock's state is plain Sendable data.
    private let idleCompressors = Mutex<[UInt]>([])
    private let idleDecompressors = Mutex<[UInt]>([])

    /// Runs `body` with a compression context (a fresh one if none is idle).
    func withCompressor<R>(_ body: (OpaquePointer) throws(CodecError) -> R) throws(CodecError) -> R {
        let cached = idleCompressors.withLock { $0.popLast() }
        guard let cctx = cached.flatMap({ OpaquePointer(bitPattern: $0) }) ?? ZSTD_createCCtx() else {
            throw .library("zstd: cannot allocate a compression context")
        }
        defer {
            let kept = idleCompressors.withLock { idle -> Bool in
                guard idle.count < Self.capacity else { return false }
                idle.append(UInt(bitPattern: cctx))
                return true
            }
            if !kept { ZSTD_freeCCtx(cctx) }
        }
        return try body(cctx)
    }

    /// Runs `body` with a decompression context (a fresh one if none is idle).
    func withDecompressor<R>(_ body: (OpaquePointer) throws(CodecError) -> R) throws(CodecError) -> R {
        let cached = idleDecompressors.withLock { $0.popLast() }
        guard let dctx = cached.flatMap({ OpaquePointer(bitPattern: $0) }) ?? ZSTD_createDCtx() else {
            throw .library("zstd: cannot allocate a decompression context")
        }
        defer {
            let kept = idleDecompressors.withLock { idle -> Bool in
                guard idle.count < Self.capacity else { return false }
                idle.append(UInt(bitPattern: dctx))
                return true
            }
            if !kept { ZSTD_freeDCtx(dctx) }
        }
        return try body(dctx)
    }
}
