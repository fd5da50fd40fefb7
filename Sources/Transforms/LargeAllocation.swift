#if canImport(Glibc)
import Glibc
#endif

/// Memory for the big random-access tables of block sorting (suffix array, inverse
/// BWT vectors). Walking a table of several MiB at random misses the TLB on almost
/// every access with 4 KiB pages; on Linux we ask for transparent huge pages
/// (2 MiB aligned, `madvise(MADV_HUGEPAGE)`), which makes those walks markedly faster.
/// Elsewhere, and for small tables, it is an ordinary allocation.
@usableFromInline enum LargeAllocation {
    static let hugePage = 2 << 20

    /// Uninitialized memory for `count` elements; release with `deallocate`.
    @usableFromInline static func allocate<T>(_ type: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        let bytes = max(count, 1) * MemoryLayout<T>.stride
        #if canImport(Glibc)
        if bytes >= hugePage {
            var raw: UnsafeMutableRawPointer? = nil
            // Not rounded up to whole huge pages: a partly used last one would be
            // resident in full (up to 2 MiB more than asked for).
            if posix_memalign(&raw, hugePage, bytes) == 0, let raw {
                _ = madvise(raw, bytes / hugePage * hugePage, 14 /* MADV_HUGEPAGE */)
                return raw.bindMemory(to: T.self, capacity: count)
            }
            if let raw = malloc(bytes) { return raw.bindMemory(to: T.self, capacity: count) }
        }
        #endif
        let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: max(MemoryLayout<T>.alignment, 16))
        return raw.bindMemory(to: T.self, capacity: count)
    }

    @usableFromInline static func deallocate<T>(_ pointer: UnsafeMutablePointer<T>, count: Int) {
        #if canImport(Glibc)
        if max(count, 1) * MemoryLayout<T>.stride >= hugePage { free(pointer); return }
        #endif
        UnsafeMutableRawPointer(pointer).deallocate()
    }
}
