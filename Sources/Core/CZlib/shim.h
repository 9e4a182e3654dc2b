#include <zlib.h>

// deflateInit2 is a macro, invisible from Swift.
static inline int ie_deflate_init2(z_stream *s, int level, int strategy) {
    return deflateInit2(s, level, Z_DEFLATED, 15, 8, strategy);
}
