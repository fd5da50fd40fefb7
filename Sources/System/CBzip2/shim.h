#include <bzlib.h>

/* libbz2 declares its inputs `char *` but only reads them (bzlib.c copies
   from next_in and from the source of BZ2_bzBuffToBuffCompress). These two
   take the input as const, so Swift passes read-only buffers as they are and
   the one cast sits here, beside the library it answers for. */
static inline void squeeze_bz_set_input(bz_stream *stream, const char *input, unsigned int count) {
    stream->next_in = (char *)input;
    stream->avail_in = count;
}

static inline int squeeze_bz_buff_compress(char *dest, unsigned int *destLen, const char *source,
                                           unsigned int sourceLen, int blockSize100k) {
    return BZ2_bzBuffToBuffCompress(dest, destLen, (char *)source, sourceLen, blockSize100k, 0, 0);
}
