// Cache prefetch hints for the random-access loops of block sorting. Swift has no
// prefetch intrinsic; a static inline wrapper over the compiler builtin is inlined
// into the Swift caller. A prefetch never faults, whatever the address.
static inline void squeeze_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }
