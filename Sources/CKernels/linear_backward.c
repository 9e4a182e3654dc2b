// The two backward products of y = x Wᵀ; see ckernels.h for the arithmetic contract. Each output
// is one fused multiply-add chain in a fixed order, so the AVX-512, AVX2 and portable paths, any
// split of the outputs over threads and any number of rows give the same bits.
#include "dispatch.h"

#include <math.h>

#pragma STDC FP_CONTRACT OFF

/// How a backward-input tile starts its accumulators: from dx (a later block of W's rows), from
/// zero, or from beta·dx.
enum Start { CONTINUE = 0, ZERO = 1, SCALED = 2 };

typedef void (*input_fn)(const float *, int, int, int, const float *, int, int, float *, int, enum Start, float);
typedef void (*weight_fn)(const float *, int, const float *, int, int, int, int, float *, int);

static float start_value(enum Start s, float dx, float beta) { return s == CONTINUE ? dx : s == ZERO ? 0.0f : beta * dx; }

// MARK: dx = dy W + beta·dx

/// Rows t < R of dx, columns [j, j + C): the chain over W's rows [i0, i1).
static void input_portable(int R, int C, const float *dy, int ldy, int i0, int i1, const float *w, int ldw, int j,
                           float *dx, int ldx, enum Start s, float beta) {
    for (int r = 0; r < R; r++)
        for (int c = j; c < j + C; c++) {
            float acc = start_value(s, dx[r * ldx + c], beta);
            for (int i = i0; i < i1; i++) acc = fmaf(dy[r * ldy + i], w[(long)i * ldw + c], acc);
            dx[r * ldx + c] = acc;
        }
}

#if IE_X86
// Tiles of 6 rows × 64 columns (AVX-512) and 6 × 16 (AVX2): 24 or 12 accumulators, and each row
// of W read in whole cache lines.
enum { TILE_ROWS = 6, VECS_512 = 4, VECS_256 = 2 };

IE_AVX512 static inline __attribute__((always_inline))
void input_avx512(int R, int V, const float *dy, int ldy, int i0, int i1, const float *w, int ldw, int j,
                  float *dx, int ldx, enum Start s, float beta) {
    __m512 acc[TILE_ROWS][VECS_512];
    for (int r = 0; r < R; r++)
        for (int v = 0; v < V; v++) {
            __m512 d = s == ZERO ? _mm512_setzero_ps() : _mm512_loadu_ps(dx + r * ldx + j + 16 * v);
            acc[r][v] = s == SCALED ? _mm512_mul_ps(_mm512_set1_ps(beta), d) : d;
        }
    for (int i = i0; i < i1; i++) {
        const float *row = w + (long)i * ldw + j;
        __m512 wv[VECS_512];
        for (int v = 0; v < V; v++) wv[v] = _mm512_loadu_ps(row + 16 * v);
        for (int r = 0; r < R; r++) {
            __m512 b = _mm512_set1_ps(dy[r * ldy + i]);
            for (int v = 0; v < V; v++) acc[r][v] = _mm512_fmadd_ps(b, wv[v], acc[r][v]);
        }
    }
    for (int r = 0; r < R; r++)
        for (int v = 0; v < V; v++) _mm512_storeu_ps(dx + r * ldx + j + 16 * v, acc[r][v]);
}

IE_AVX2 static inline __attribute__((always_inline))
void input_avx2(int R, int V, const float *dy, int ldy, int i0, int i1, const float *w, int ldw, int j,
                float *dx, int ldx, enum Start s, float beta) {
    __m256 acc[TILE_ROWS][VECS_256];
    for (int r = 0; r < R; r++)
        for (int v = 0; v < V; v++) {
            __m256 d = s == ZERO ? _mm256_setzero_ps() : _mm256_loadu_ps(dx + r * ldx + j + 8 * v);
            acc[r][v] = s == SCALED ? _mm256_mul_ps(_mm256_set1_ps(beta), d) : d;
        }
    for (int i = i0; i < i1; i++) {
        const float *row = w + (long)i * ldw + j;
        __m256 wv[VECS_256];
        for (int v = 0; v < V; v++) wv[v] = _mm256_loadu_ps(row + 8 * v);
        for (int r = 0; r < R; r++) {
            __m256 b = _mm256_set1_ps(dy[r * ldy + i]);
            for (int v = 0; v < V; v++) acc[r][v] = _mm256_fmadd_ps(b, wv[v], acc[r][v]);
        }
    }
    for (int r = 0; r < R; r++)
        for (int v = 0; v < V; v++) _mm256_storeu_ps(dx + r * ldx + j + 8 * v, acc[r][v]);
}

#define INPUT512(R, V) IE_AVX512 static void in512_##R##_##V(const float *dy, int ldy, int i0, int i1, const float *w, \
    int ldw, int j, float *dx, int ldx, enum Start s, float beta) { input_avx512(R, V, dy, ldy, i0, i1, w, ldw, j, dx, ldx, s, beta); }
#define INPUT256(R, V) IE_AVX2 static void in256_##R##_##V(const float *dy, int ldy, int i0, int i1, const float *w, \
    int ldw, int j, float *dx, int ldx, enum Start s, float beta) { input_avx2(R, V, dy, ldy, i0, i1, w, ldw, j, dx, ldx, s, beta); }
INPUT512(1, 1) INPUT512(2, 1) INPUT512(3, 1) INPUT512(4, 1) INPUT512(5, 1) INPUT512(6, 1)
INPUT512(1, 4) INPUT512(2, 4) INPUT512(3, 4) INPUT512(4, 4) INPUT512(5, 4) INPUT512(6, 4)
INPUT256(1, 1) INPUT256(2, 1) INPUT256(3, 1) INPUT256(4, 1) INPUT256(5, 1) INPUT256(6, 1)
INPUT256(1, 2) INPUT256(2, 2) INPUT256(3, 2) INPUT256(4, 2) INPUT256(5, 2) INPUT256(6, 2)
static const input_fn in512_wide[TILE_ROWS] = {in512_1_4, in512_2_4, in512_3_4, in512_4_4, in512_5_4, in512_6_4};
static const input_fn in512_one[TILE_ROWS] = {in512_1_1, in512_2_1, in512_3_1, in512_4_1, in512_5_1, in512_6_1};
static const input_fn in256_wide[TILE_ROWS] = {in256_1_2, in256_2_2, in256_3_2, in256_4_2, in256_5_2, in256_6_2};
static const input_fn in256_one[TILE_ROWS] = {in256_1_1, in256_2_1, in256_3_1, in256_4_1, in256_5_1, in256_6_1};
#endif

// MARK: dW += dyᵀ x

/// Rows [i, i + R) of dW, columns [j, j + C): the chain over the rows t < T of dy and x.
static void weight_portable(int R, int C, const float *dy, int ldy, const float *x, int ldx, int T, int i, int j,
                            float *dw, int lddw) {
    for (int r = 0; r < R; r++)
        for (int c = j; c < j + C; c++) {
            float acc = dw[(long)(i + r) * lddw + c];
            for (int t = 0; t < T; t++) acc = fmaf(dy[(long)t * ldy + i + r], x[(long)t * ldx + c], acc);
            dw[(long)(i + r) * lddw + c] = acc;
        }
}

#if IE_X86
IE_AVX512 static inline __attribute__((always_inline))
void weight_avx512(int R, int V, const float *dy, int ldy, const float *x, int ldx, int T, int i, int j,
                   float *dw, int lddw) {
    __m512 acc[TILE_ROWS][VECS_512];
    for (int r = 0; r < R; r++)
        for (int v = 0; v < V; v++) acc[r][v] = _mm512_loadu_ps(dw + (long)(i + r) * lddw + j + 16 * v);
    for (int t = 0; t < T; t++) {
        const float *xr = x + (long)t * ldx + j, *d = dy + (long)t * ldy + i;
        __m512 xv[VECS_512];
        for (int v = 0; v < V; v++) xv[v] = _mm512_loadu_ps(xr + 16 * v);
        for (int r = 0; r < R; r++) {
            __m512 b = _mm512_set1_ps(d[r]);
            for (int v = 0; v < V; v++) acc[r][v] = _mm512_fmadd_ps(b, xv[v], acc[r][v]);
        }
    }
    for (int r = 0; r < R; r++)
        for (int v = 0; v < V; v++) _mm512_storeu_ps(dw + (long)(i + r) * lddw + j + 16 * v, acc[r][v]);
}

IE_AVX2 static inline __attribute__((always_inline))
void weight_avx2(int R, int V, const float *dy, int ldy, const float *x, int ldx, int T, int i, int j,
                 float *dw, int lddw) {
    __m256 acc[TILE_ROWS][VECS_256];
    for (int r = 0; r < R; r++)
        for (int v = 0; v < V; v++) acc[r][v] = _mm256_loadu_ps(dw + (long)(i + r) * lddw + j + 8 * v);
    for (int t = 0; t < T; t++) {
        const float *xr = x + (long)t * ldx + j, *d = dy + (long)t * ldy + i;
        __m256 xv[VECS_256];
        for (int v = 0; v < V; v++) xv[v] = _mm256_loadu_ps(xr + 8 * v);
        for (int r = 0; r < R; r++) {
            __m256 b = _mm256_set1_ps(d[r]);
            for (int v = 0; v < V; v++) acc[r][v] = _mm256_fmadd_ps(b, xv[v], acc[r][v]);
        }
    }
    for (int r = 0; r < R; r++)
        for (int v = 0; v < V; v++) _mm256_storeu_ps(dw + (long)(i + r) * lddw + j + 8 * v, acc[r][v]);
}

#define WEIGHT512(R, V) IE_AVX512 static void w512_##R##_##V(const float *dy, int ldy, const float *x, int ldx, int T, \
    int i, int j, float *dw, int lddw) { weight_avx512(R, V, dy, ldy, x, ldx, T, i, j, dw, lddw); }
#define WEIGHT256(R, V) IE_AVX2 static void w256_##R##_##V(const float *dy, int ldy, const float *x, int ldx, int T, \
    int i, int j, float *dw, int lddw) { weight_avx2(R, V, dy, ldy, x, ldx, T, i, j, dw, lddw); }
WEIGHT512(1, 1) WEIGHT512(2, 1) WEIGHT512(3, 1) WEIGHT512(4, 1) WEIGHT512(5, 1) WEIGHT512(6, 1)
WEIGHT512(1, 4) WEIGHT512(2, 4) WEIGHT512(3, 4) WEIGHT512(4, 4) WEIGHT512(5, 4) WEIGHT512(6, 4)
WEIGHT256(1, 1) WEIGHT256(2, 1) WEIGHT256(3, 1) WEIGHT256(4, 1) WEIGHT256(5, 1) WEIGHT256(6, 1)
WEIGHT256(1, 2) WEIGHT256(2, 2) WEIGHT256(3, 2) WEIGHT256(4, 2) WEIGHT256(5, 2) WEIGHT256(6, 2)
static const weight_fn w512_wide[TILE_ROWS] = {w512_1_4, w512_2_4, w512_3_4, w512_4_4, w512_5_4, w512_6_4};
static const weight_fn w512_one[TILE_ROWS] = {w512_1_1, w512_2_1, w512_3_1, w512_4_1, w512_5_1, w512_6_1};
static const weight_fn w256_wide[TILE_ROWS] = {w256_1_2, w256_2_2, w256_3_2, w256_4_2, w256_5_2, w256_6_2};
static const weight_fn w256_one[TILE_ROWS] = {w256_1_1, w256_2_1, w256_3_1, w256_4_1, w256_5_1, w256_6_1};
#endif

// MARK: the drivers

/// One vector path's tiles: TILE_ROWS rows by `wide` columns, then by `narrow` columns for what is
/// left; columns past those go to the portable code, which computes the same chains.
typedef struct {
    int wide, narrow;
    const input_fn *input_wide, *input_narrow;
    const weight_fn *weight_wide, *weight_narrow;
} Tiles;

/// The tiles of the vector path in use; NULL on the portable path.
static const Tiles *path_tiles(void) {
#if IE_X86
    static const Tiles avx512 = {64, 16, in512_wide, in512_one, w512_wide, w512_one};
    static const Tiles avx2 = {16, 8, in256_wide, in256_one, w256_wide, w256_one};
    switch (ie_kernel_path()) {
    case IE_PATH_AVX512: return &avx512;
    case IE_PATH_AVX2: return &avx2;
    }
#endif
    return NULL;
}

/// Rows for the next tile when `left` rows remain, tiles at most `most` rows: the remaining tiles
/// as even as possible (20 rows as 5 + 5 + 5 + 5, not 6 + 6 + 6 + 2, whose last tile would be
/// bound by loads).
static int tile_rows(int left, int most) {
    int tiles = (left + most - 1) / most;
    return (left + tiles - 1) / tiles;
}

void ie_linear_backward_input(const float *dy, int T, int m, int ldy, const float *w, int ldw, int j0, int j1,
                              float *dx, int ldx, float beta) {
    if (T <= 0 || j1 <= j0) return;
    enum Start first = beta != 0 ? SCALED : ZERO;
    if (m <= 0) {
        input_portable(T, j1 - j0, dy, ldy, 0, 0, w, ldw, j0, dx, ldx, first, beta);
        return;
    }
    const Tiles *k = path_tiles();
    // A block of W's rows small enough (about 64 KiB of the columns in hand) to stay in cache
    // while every tile of dx's rows goes over it.
    int cols = j1 - j0, block = 16384 / cols < 16 ? 16 : 16384 / cols;
    for (int i0 = 0; i0 < m; i0 += block) {
        int i1 = i0 + block < m ? i0 + block : m;
        enum Start s = i0 == 0 ? first : CONTINUE;
        for (int t = 0, R; t < T; t += R) {
            R = k ? tile_rows(T - t, TILE_ROWS) : T;
            const float *d = dy + (long)t * ldy;
            float *o = dx + (long)t * ldx;
            int j = j0;
            if (k) {
                for (; j + k->wide <= j1; j += k->wide) k->input_wide[R - 1](d, ldy, i0, i1, w, ldw, j, o, ldx, s, beta);
                for (; j + k->narrow <= j1; j += k->narrow) k->input_narrow[R - 1](d, ldy, i0, i1, w, ldw, j, o, ldx, s, beta);
            }
            if (j < j1) input_portable(R, j1 - j, d, ldy, i0, i1, w, ldw, j, o, ldx, s, beta);
        }
    }
}

void ie_linear_backward_weight(const float *dy, int ldy, const float *x, int ldx, int T, int n, int i0, int i1,
                               float *dw, int lddw) {
    if (T <= 0 || i1 <= i0 || n <= 0) return;
    const Tiles *k = path_tiles();
    int j = 0;
    // Column blocks outside, so a block of x's columns stays in cache for every tile of dW's rows.
    if (k) {
        for (; j + k->wide <= n; j += k->wide)
            for (int i = i0, R; i < i1; i += R) {
                R = tile_rows(i1 - i, TILE_ROWS);
                k->weight_wide[R - 1](dy, ldy, x, ldx, T, i, j, dw, lddw);
            }
        for (; j + k->narrow <= n; j += k->narrow)
            for (int i = i0, R; i < i1; i += R) {
                R = tile_rows(i1 - i, TILE_ROWS);
                k->weight_narrow[R - 1](dy, ldy, x, ldx, T, i, j, dw, lddw);
            }
    }
    if (j < n) weight_portable(i1 - i0, n - j, dy, ldy, x, ldx, T, i0, j, dw, lddw);
}
