// The value product of attention, out = P V, row by row over the keys each row sees. The AVX2 path
// keeps up to 64 output columns in registers; both paths accumulate each output with fused
// multiply-adds in key order from zero, so they give the same bits.
#include "dispatch.h"

#include <math.h>

#pragma STDC FP_CONTRACT OFF

static void values_portable(const float *p, const float *v, long ldv, int n, int c0, int c1, float *o) {
    for (int c = c0; c < c1; c++) o[c] = 0;
    for (int j = 0; j < n; j++)
        for (int c = c0; c < c1; c++) o[c] = fmaf(p[j], v[j * ldv + c], o[c]);
}

#if IE_X86
// M registers of eight columns from column c0.
IE_AVX2 static inline __attribute__((always_inline))
void values_avx2(int M, const float *p, const float *v, long ldv, int n, int c0, float *o) {
    __m256 acc[8];
    for (int m = 0; m < M; m++) acc[m] = _mm256_setzero_ps();
    for (int j = 0; j < n; j++) {
        __m256 a = _mm256_broadcast_ss(p + j);
        const float *vj = v + j * ldv + c0;
        for (int m = 0; m < M; m++) acc[m] = _mm256_fmadd_ps(a, _mm256_loadu_ps(vj + 8 * m), acc[m]);
    }
    for (int m = 0; m < M; m++) _mm256_storeu_ps(o + c0 + 8 * m, acc[m]);
}

#define VALUES(M) IE_AVX2 static void values_##M(const float *p, const float *v, long ldv, int n, int c0, float *o) \
    { values_avx2(M, p, v, ldv, n, c0, o); }
VALUES(1) VALUES(2) VALUES(3) VALUES(4) VALUES(5) VALUES(6) VALUES(7) VALUES(8)
typedef void (*values_fn)(const float *, const float *, long, int, int, float *);
static const values_fn values[8] = {values_1, values_2, values_3, values_4, values_5, values_6, values_7, values_8};
#endif

void ie_attend_values(const float *p, int rows, int ldp, int first, int group, const float *v, int ldv, int hd,
                      float *out, int ldo) {
    int vec = ie_kernel_path() != IE_PATH_PORTABLE;
    for (int r = 0; r < rows; r++) {
        const float *pr = p + (long)r * ldp;
        float *o = out + (long)r * ldo;
        int n = first + r / group, c = 0;
#if IE_X86
        for (; vec && hd - c >= 8; ) {
            int M = (hd - c) / 8 < 8 ? (hd - c) / 8 : 8;
            values[M - 1](pr, v, ldv, n, c, o);
            c += 8 * M;
        }
#endif
        (void)vec;
        if (c < hd) values_portable(pr, v, ldv, n, c, hd, o);
    }
}
