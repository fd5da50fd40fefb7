/* ZLIB_CONST makes z_stream.next_in a pointer to const, as zlib only reads
   its input: Swift can then hand it a read-only buffer without a cast. */
#define ZLIB_CONST
#include <zlib.h>
