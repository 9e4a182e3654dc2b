// Which vector path the kernels take: chosen once from the CPU, lowered by tests.
#ifndef INSTRUCTEDIT_DISPATCH_H
#define INSTRUCTEDIT_DISPATCH_H

#include "ckernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#define IE_X86 1
#define IE_AVX2 __attribute__((target("avx2,fma")))
#define IE_AVX512 __attribute__((target("avx512f,avx2,fma")))
#else
#define IE_X86 0
#endif

/// The path in use: IE_PATH_PORTABLE, IE_PATH_AVX2 or IE_PATH_AVX512.
int ie_kernel_path(void);

#endif
