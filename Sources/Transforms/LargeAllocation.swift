#if canImport(Glibc)
import Glibc
#endif

/// Memory for big tables read at random: suffix arrays and inverse-BWT vectors,
/// context-mixing and block-sorting model tables, long-range hash tables.
/// Walking a table of several MiB at random misses the TLB on almost every
/// access with 4 KiB pages; on Linux we ask for transparent huge pages (2 MiB
/// aligned, `madvise(MADV_HUGEPAGE)` on the whole huge pages inside the
/// allocation), which makes those walks markedly faster. Elsewhere, and for
/// tables under 2 MiB, it is an ordinary allocation. The one place the package
/// allocates this way: every large table goes through it.
public enum LargeAllocation {
    public static let hugePage = 2 << 20

    /// Uninitialized memory for `count` elements, or nil when the system has
    /// none to give; release with `deallocate(_:count:)`.
    public static func tryAllocate<T>(_ type: T.Type, count: Int) -> UnsafeMutablePointer<T>? {
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
            return malloc(bytes)?.bindMemory(to: T.self, capacity: count)
        }
        #endif
        return malloc(bytes)?.bindMemory(to: T.self, capacity: count)
    }

    /// As `tryAllocate`, for callers whose sizes are already bounded (a block's
    /// own size): when the system has no memory, the standard allocator stops
    /// the process, as it would for any allocation of that size.
    public static func allocate<T>(_ type: T.Type, count: Int) -> UnsafeMutablePointer<T> {
        if let p = tryAllocate(type, count: count) { return p }
        return UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<T>.stride,
                                                alignment: max(MemoryLayout<T>.alignment, 16))
            .bindMemory(to: T.self, capacity: count)
    }

    public static func deallocate<T>(_ pointer: UnsafeMutablePointer<T>, count: Int) {
        free(pointer)
    }
}
