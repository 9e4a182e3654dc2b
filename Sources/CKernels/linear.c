// y = x Wᵀ over a few rows of x; see ckernels.h for the arithmetic contract. The tile comes three
// times, AVX-512, AVX2/FMA and portable, doing the same operations in the same order.
#include "dispatch.h"

#include <math.h>
#include <stdlib.h>

// Contracting `s + beta * y` into an FMA in one path but not the other would break the contract.
#pragma STDC FP_CONTRACT OFF

enum { TILE_ROWS = 4, TILE_TOKENS = 3 };

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
// AVX-512: two rows of x side by side in one 16-lane register (x is packed into such pairs once
// per call), each weight row's eight lanes broadcast to both halves, so each half accumulates
// exactly what one AVX2 register would (same bits). No shuffles in the loop, and 6 weight rows ×
// 4 pairs of x rows = 24 accumulators of the 32 registers.
enum { TILE_ROWS_512 = 6, TILE_PAIRS_512 = 4, TILE_TOKENS_512 = 2 * TILE_PAIRS_512 };

IE_AVX512 static inline __attribute__((always_inline))
void tile_avx512(int R, int P, const float *w, long ldw, int K, const float *xp, long ldp, int U, const float *x,
                 int ldx, float *y, int ldy, float beta) {
    __m512 acc[TILE_ROWS_512][TILE_PAIRS_512];
    for (int r = 0; r < R; r++)
        for (int p = 0; p < P; p++) acc[r][p] = _mm512_setzero_ps();
    int K8 = K & ~7;
    for (int k = 0; k < K8; k += 8) {
        __m512 xv[TILE_PAIRS_512];
        for (int p = 0; p < P; p++) xv[p] = _mm512_loadu_ps(xp + p * ldp + 2 * k);
        if ((k & 15) == 0)  // the next tile's weight rows, which the first pass would otherwise wait for
            for (int r = 0; r < R; r++) _mm_prefetch((const char *)(w + (R + r) * ldw + k), _MM_HINT_T0);
        for (int r = 0; r < R; r++) {
            __m512 wv = _mm512_castpd_ps(_mm512_broadcast_f64x4(_mm256_castps_pd(_mm256_loadu_ps(w + r * ldw + k))));
            for (int p = 0; p < P; p++) acc[r][p] = _mm512_fmadd_ps(wv, xv[p], acc[r][p]);
        }
    }
    for (int r = 0; r < R; r++)
        for (int p = 0; p < P; p++) {
            __m256 half[2] = {_mm512_castps512_ps256(acc[r][p]),
                              _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(acc[r][p]), 1))};
            for (int h = 0; h < 2 && 2 * p + h < U; h++) {
                int u = 2 * p + h;
                float s = hsum(half[h]);
                for (int k = K8; k < K; k++) s = fmaf(w[r * ldw + k], x[u * ldx + k], s);
                store(y + u * ldy + r, s, beta);
            }
        }
}

typedef void (*tile512_fn)(const float *, long, int, const float *, long, int, const float *, int, float *, int, float);
#define TILE512(R, P) IE_AVX512 static void tile512_##R##_##P(const float *w, long ldw, int K, const float *xp, \
    long ldp, int U, const float *x, int ldx, float *y, int ldy, float beta) { \
    tile_avx512(R, P, w, ldw, K, xp, ldp, U, x, ldx, y, ldy, beta); }
#define TILE512_ROW(R) TILE512(R, 1) TILE512(R, 2) TILE512(R, 3) TILE512(R, 4)
TILE512_ROW(1) TILE512_ROW(2) TILE512_ROW(3) TILE512_ROW(4) TILE512_ROW(5) TILE512_ROW(6)
#define TILE512_FNS(R) {tile512_##R##_1, tile512_##R##_2, tile512_##R##_3, tile512_##R##_4}
static const tile512_fn tiles512[TILE_ROWS_512][TILE_PAIRS_512] = {
    TILE512_FNS(1), TILE512_FNS(2), TILE512_FNS(3), TILE512_FNS(4), TILE512_FNS(5), TILE512_FNS(6),
};

/// Rows t0 ..< t1 of x as pairs: pair q holds, for each block of eight k, rows 2q and 2q+1's eight
/// values (16 floats; a missing second row is zeros). ldp = 2·K8 floats per pair.
static void pack_pairs(const float *x, int ldx, int t0, int t1, int K8, float *xp) {
    long ldp = 2L * K8;
    for (int t = t0; t < t1; t += 2) {
        float *q = xp + (long)((t - t0) / 2) * ldp;
        const float *a = x + (long)t * ldx, *b = t + 1 < t1 ? a + ldx : NULL;
        for (int k = 0; k < K8; k += 8)
            for (int j = 0; j < 8; j++) {
                q[2 * k + j] = a[k + j];
                q[2 * k + 8 + j] = b ? b[k + j] : 0;
            }
    }
}

/// Returns 0, having done nothing, when there is no memory for the packed copy of x.
static int forward_avx512(const float *x, int T, int K, int ldx, const float *w, int ldw, int n0, int n1,
                           float *y, int ldy, float beta, int block) {
    int K8 = K & ~7;
    long ldp = 2L * K8;
    block = (block + 1) / 2 * 2;
    float *xp = malloc(sizeof(float) * (size_t)(ldp > 0 ? ldp : 1) * (size_t)((block + 1) / 2));
    if (!xp) return 0;
    for (int t0 = 0; t0 < T; t0 += block) {
        int t1 = T - t0 < block ? T : t0 + block;
        pack_pairs(x, ldx, t0, t1, K8, xp);
        for (int n = n0; n < n1; n += TILE_ROWS_512) {
            int R = n1 - n < TILE_ROWS_512 ? n1 - n : TILE_ROWS_512;
            const float *wn = w + (long)n * ldw;
            for (int t = t0; t < t1; t += TILE_TOKENS_512) {
                int U = t1 - t < TILE_TOKENS_512 ? t1 - t : TILE_TOKENS_512;
                tiles512[R - 1][(U + 1) / 2 - 1](wn, ldw, K, xp + (long)((t - t0) / 2) * ldp, ldp, U,
                                                 x + (long)t * ldx, ldx, y + (long)t * ldy + n, ldy, beta);
            }
        }
    }
    free(xp);
    return 1;
}
#endif

void ie_linear_forward_ldw(const float *x, int T, int K, int ldx, const float *w, int ldw, int n0, int n1,
                           float *y, int ldy, float beta) {
    int path = ie_kernel_path();
    // Blocks of rows of x small enough to stay in L2 while every weight tile passes over them.
    int block = K > 0 && 65536 / K > TILE_TOKENS ? 65536 / K / TILE_TOKENS * TILE_TOKENS : TILE_TOKENS;
#if IE_X86
    if (path == IE_PATH_AVX512 && forward_avx512(x, T, K, ldx, w, ldw, n0, n1, y, ldy, beta, block)) return;
#endif
    for (int t0 = 0; t0 < T; t0 += block) {
        int t1 = T - t0 < block ? T : t0 + block;
        for (int n = n0; n < n1; n += TILE_ROWS) {
            int R = n1 - n < TILE_ROWS ? n1 - n : TILE_ROWS;
            const float *wn = w + (long)n * ldw;
            for (int t = t0; t < t1; t += TILE_TOKENS) {
                int U = t1 - t < TILE_TOKENS ? t1 - t : TILE_TOKENS;
                const float *xt = x + (long)t * ldx;
                float *yt = y + (long)t * ldy + n;
#if IE_X86
                if (path >= IE_PATH_AVX2) { tiles[R - 1][U - 1](wn, ldw, K, xt, ldx, yt, ldy, beta); continue; }
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
