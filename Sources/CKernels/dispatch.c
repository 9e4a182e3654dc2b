// The vector path: the widest the CPU has, unless a test asked for a narrower one.
#include "dispatch.h"

#include <stddef.h>

static int detected(void) {
#if IE_X86
    static int cached = -1;
    if (cached < 0) {
        __builtin_cpu_init();
        int avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
        cached = avx2 && __builtin_cpu_supports("avx512f") ? IE_PATH_AVX512 : avx2 ? IE_PATH_AVX2 : IE_PATH_PORTABLE;
    }
    return cached;
#else
    return IE_PATH_PORTABLE;
#endif
}

static int forced = -1;

int ie_kernel_path(void) {
    int best = detected();
    return forced >= 0 && forced < best ? forced : best;
}

int ie_kernel_path_supported(void) { return detected(); }

int ie_set_kernel_path(int path) {
    forced = path < 0 ? -1 : path;
    return ie_kernel_path();
}

const char *ie_kernel_path_name(void) {
    switch (ie_kernel_path()) {
    case IE_PATH_AVX512: return "avx512";
    case IE_PATH_AVX2: return "avx2";
    default: return "portable";
    }
}

int ie_kernels_vectorised(void) { return ie_kernel_path() != IE_PATH_PORTABLE; }
