// y = x Wᵀ over a few rows of x; see ckernels.h for the arithmetic contract. The tile comes three
// times, AVX-512, AVX2/FMA and portable, doing the same operations in the same order.
#include "dispatch.h"

#include <math.h>

// Contracting `s + beta * y` into an FMA in one path but not the other would break the contract.
#pragma STDC FP_CONTRACT OFF

enum { TILE_ROWS = 4, TILE_TOKENS = 3, TILE_ROWS_512 = 8 };

static void store(float *o, float s, float beta) { *o = beta != 0 ? s + beta * *o : s; }

/// R weight rows × U rows of x, each output one 8-lane accumulator.
static void tile_portable(int R, int U, const float *w, long ldw, int K, const float *x, int ldx, float *y,
                          int ldy, float beta) {
    float acc[TILE_ROWS][TILE_TOKENS][8] = {{{0}}};
    int K8 = K & ~7;
    for (int k = 0; k < K8; k += 8)
        for (int r = 0; r < R; r++)
            for (int u = 0; u < U; u++)
                for (int j = 0; j < 8; j++)
                    acc[r][u][j] = fmaf(w[r * ldw + k + j], x[u * ldx + k + j], acc[r][u][j]);
    for (int r = 0; r < R; r++)
        for (int u = 0; u < U; u++) {
            float *l = acc[r][u];
            float a0 = l[0] + l[4], a1 = l[1] + l[5], a2 = l[2] + l[6], a3 = l[3] + l[7];
            float s = (a0 + a2) + (a1 + a3);
            for (int k = K8; k < K; k++) s = fmaf(w[r * ldw + k], x[u * ldx + k], s);
            store(y + u * ldy + r, s, beta);
        }
}

#if IE_X86
IE_AVX2 static inline float hsum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));  // l0+l4 … l3+l7
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));                                         // a0+a2, a1+a3
    return _mm_cvtss_f32(_mm_add_ss(s, _mm_shuffle_ps(s, s, 1)));
}

IE_AVX2 static inline __attribute__((always_inline))
void tile_avx2(int R, int U, const float *w, long ldw, int K, const float *x, int ldx, float *y, int ldy, float beta) {
    __m256 acc[TILE_ROWS][TILE_TOKENS];
    for (int r = 0; r < R; r++)
        for (int u = 0; u < U; u++) acc[r][u] = _mm256_setzero_ps();
    int K8 = K & ~7;
    for (int k = 0; k < K8; k += 8) {
        __m256 xv[TILE_TOKENS];
        for (int u = 0; u < U; u++) xv[u] = _mm256_loadu_ps(x + u * ldx + k);
        for (int r = 0; r < R; r++) {
            __m256 wv = _mm256_loadu_ps(w + r * ldw + k);
            for (int u = 0; u < U; u++) acc[r][u] = _mm256_fmadd_ps(wv, xv[u], acc[r][u]);
        }
    }
    for (int r = 0; r < R; r++)
        for (int u = 0; u < U; u++) {
            float s = hsum(acc[r][u]);
            for (int k = K8; k < K; k++) s = fmaf(w[r * ldw + k], x[u * ldx + k], s);
            store(y + u * ldy + r, s, beta);
        }
}

// One instance per tile shape, so every loop above unrolls into registers.
#define TILE(R, U) IE_AVX2 static void tile_##R##_##U(const float *w, long ldw, int K, const float *x, int ldx, \
    float *y, int ldy, float beta) { tile_avx2(R, U, w, ldw, K, x, ldx, y, ldy, beta); }
TILE(1, 1) TILE(1, 2) TILE(1, 3) TILE(2, 1) TILE(2, 2) TILE(2, 3)
TILE(3, 1) TILE(3, 2) TILE(3, 3) TILE(4, 1) TILE(4, 2) TILE(4, 3)
typedef void (*tile_fn)(const float *, long, int, const float *, int, float *, int, float);
static const tile_fn tiles[TILE_ROWS][TILE_TOKENS] = {
    {tile_1_1, tile_1_2, tile_1_3}, {tile_2_1, tile_2_2, tile_2_3},
    {tile_3_1, tile_3_2, tile_3_3}, {tile_4_1, tile_4_2, tile_4_3},
};
// AVX-512: weight rows 2p and 2p+1 side by side in one 16-lane register, x's eight lanes in both
// halves, so each half accumulates exactly what one AVX2 register would (same bits).
IE_AVX512 static inline __m512 pair_rows(const float *w, long ldw, int k, int both) {
    __m512d lo = _mm512_castpd256_pd512(_mm256_castps_pd(_mm256_loadu_ps(w + k)));
    __m256d hi = both ? _mm256_castps_pd(_mm256_loadu_ps(w + ldw + k)) : _mm256_setzero_pd();
    return _mm512_castpd_ps(_mm512_insertf64x4(lo, hi, 1));
}

IE_AVX512 static inline __attribute__((always_inline))
void tile_avx512(int R, int U, const float *w, long ldw, int K, const float *x, int ldx, float *y, int ldy, float beta) {
    enum { PAIRS = TILE_ROWS_512 / 2 };
    __m512 acc[PAIRS][TILE_TOKENS];
    int P = (R + 1) / 2;
    for (int p = 0; p < P; p++)
        for (int u = 0; u < U; u++) acc[p][u] = _mm512_setzero_ps();
    int K8 = K & ~7;
    for (int k = 0; k < K8; k += 8) {
        __m512 xv[TILE_TOKENS];
        for (int u = 0; u < U; u++)
            xv[u] = _mm512_castpd_ps(_mm512_broadcast_f64x4(_mm256_castps_pd(_mm256_loadu_ps(x + u * ldx + k))));
        for (int p = 0; p < P; p++) {
            __m512 wv = pair_rows(w + 2 * p * ldw, ldw, k, 2 * p + 1 < R);
            for (int u = 0; u < U; u++) acc[p][u] = _mm512_fmadd_ps(wv, xv[u], acc[p][u]);
        }
    }
    for (int p = 0; p < P; p++)
        for (int u = 0; u < U; u++) {
            __m256 half[2] = {_mm512_castps512_ps256(acc[p][u]),
                              _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(acc[p][u]), 1))};
            for (int h = 0; h < 2 && 2 * p + h < R; h++) {
                int r = 2 * p + h;
                float s = hsum(half[h]);
                for (int k = K8; k < K; k++) s = fmaf(w[r * ldw + k], x[u * ldx + k], s);
                store(y + u * ldy + r, s, beta);
            }
        }
}

#define TILE512(R, U) IE_AVX512 static void tile512_##R##_##U(const float *w, long ldw, int K, const float *x, \
    int ldx, float *y, int ldy, float beta) { tile_avx512(R, U, w, ldw, K, x, ldx, y, ldy, beta); }
TILE512(1, 1) TILE512(1, 2) TILE512(1, 3) TILE512(2, 1) TILE512(2, 2) TILE512(2, 3)
TILE512(3, 1) TILE512(3, 2) TILE512(3, 3) TILE512(4, 1) TILE512(4, 2) TILE512(4, 3)
TILE512(5, 1) TILE512(5, 2) TILE512(5, 3) TILE512(6, 1) TILE512(6, 2) TILE512(6, 3)
TILE512(7, 1) TILE512(7, 2) TILE512(7, 3) TILE512(8, 1) TILE512(8, 2) TILE512(8, 3)
static const tile_fn tiles512[TILE_ROWS_512][TILE_TOKENS] = {
    {tile512_1_1, tile512_1_2, tile512_1_3}, {tile512_2_1, tile512_2_2, tile512_2_3},
    {tile512_3_1, tile512_3_2, tile512_3_3}, {tile512_4_1, tile512_4_2, tile512_4_3},
    {tile512_5_1, tile512_5_2, tile512_5_3}, {tile512_6_1, tile512_6_2, tile512_6_3},
    {tile512_7_1, tile512_7_2, tile512_7_3}, {tile512_8_1, tile512_8_2, tile512_8_3},
};
#endif

void ie_linear_forward_ldw(const float *x, int T, int K, int ldx, const float *w, int ldw, int n0, int n1,
                           float *y, int ldy, float beta) {
    int path = ie_kernel_path();
    int step = path == IE_PATH_AVX512 ? TILE_ROWS_512 : TILE_ROWS;
    // Blocks of rows of x small enough to stay in L2 while every weight tile passes over them.
    int block = K > 0 && 65536 / K > TILE_TOKENS ? 65536 / K / TILE_TOKENS * TILE_TOKENS : TILE_TOKENS;
    for (int t0 = 0; t0 < T; t0 += block) {
        int t1 = T - t0 < block ? T : t0 + block;
        for (int n = n0; n < n1; n += step) {
            int R = n1 - n < step ? n1 - n : step;
            const float *wn = w + (long)n * ldw;
            for (int t = t0; t < t1; t += TILE_TOKENS) {
                int U = t1 - t < TILE_TOKENS ? t1 - t : TILE_TOKENS;
                const float *xt = x + (long)t * ldx;
                float *yt = y + (long)t * ldy + n;
#if IE_X86
                if (path == IE_PATH_AVX512) { tiles512[R - 1][U - 1](wn, ldw, K, xt, ldx, yt, ldy, beta); continue; }
                if (path == IE_PATH_AVX2) { tiles[R - 1][U - 1](wn, ldw, K, xt, ldx, yt, ldy, beta); continue; }
#endif
                tile_portable(R, U, wn, ldw, K, xt, ldx, yt, ldy, beta);
            }
        }
    }
}

void ie_linear_forward(const float *x, int T, int K, int ldx, const float *w, int n0, int n1,
                       float *y, int ldy, float beta) {
    ie_linear_forward_ldw(x, T, K, ldx, w, K, n0, n1, y, ldy, beta);
}
