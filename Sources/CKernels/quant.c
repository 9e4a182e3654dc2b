// One row of x against W kept as the GGUF file's blocks (Q4_1, Q8_0): decoding reads 5 or 8.5 bits
// per weight instead of 32. Each weight is dequantised exactly as the loader does (Q4_1: d·q + m,
// Q8_0: d·q, each operation rounded), and the sum is ie_linear_forward's: eight lanes in k order, the
// same tree. So an output is the same bits as ie_linear_forward with T = 1 on the Float32 slab.
#include "dispatch.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#pragma STDC FP_CONTRACT OFF

enum { BLOCK = 32, Q4_1_BYTES = 20, Q8_0_BYTES = 34 };

/// IEEE half to float (exact: every half is a float).
static float half_to_float(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000) << 16, exp = (h >> 10) & 0x1F, man = h & 0x3FF, bits;
    if (exp == 0x1F) bits = sign | 0x7F800000 | (man << 13);
    else if (exp != 0) bits = sign | ((exp + 112) << 23) | (man << 13);
    else if (man == 0) bits = sign;
    else {   // subnormal: normalise
        int e = -1;
        do { man <<= 1; e++; } while (!(man & 0x400));
        bits = sign | ((uint32_t)(112 - e) << 23) | ((man & 0x3FF) << 13);
    }
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

static uint16_t load16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }

static void dequantise_block(int type, const uint8_t *b, float *w) {
    float d = half_to_float(load16(b));
    if (type == IE_QUANT_Q4_1) {
        float m = half_to_float(load16(b + 2));
        for (int j = 0; j < 16; j++) {
            w[j] = d * (float)(b[4 + j] & 0x0F) + m;
            w[j + 16] = d * (float)(b[4 + j] >> 4) + m;
        }
    } else {
        for (int j = 0; j < BLOCK; j++) w[j] = d * (float)(int8_t)b[2 + j];
    }
}

static float tree(const float *l) {
    float a0 = l[0] + l[4], a1 = l[1] + l[5], a2 = l[2] + l[6], a3 = l[3] + l[7];
    return (a0 + a2) + (a1 + a3);
}

static void store(float *o, float s, float beta) { *o = beta != 0 ? s + beta * *o : s; }

static void rows_portable(int type, const uint8_t *w, long rowBytes, int K, const float *x, int n0, int n1,
                          float *y, float beta) {
    int bytes = type == IE_QUANT_Q4_1 ? Q4_1_BYTES : Q8_0_BYTES;
    for (int n = n0; n < n1; n++) {
        float acc[8] = {0}, v[BLOCK];
        for (int b = 0; b < K / BLOCK; b++) {
            dequantise_block(type, w + n * rowBytes + (long)b * bytes, v);
            for (int k = 0; k < BLOCK; k += 8)
                for (int j = 0; j < 8; j++) acc[j] = fmaf(v[k + j], x[b * BLOCK + k + j], acc[j]);
        }
        store(y + n, tree(acc), beta);
    }
}

#if IE_X86
IE_AVX2 static inline float hsum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    return _mm_cvtss_f32(_mm_add_ss(s, _mm_shuffle_ps(s, s, 1)));
}

// The eight weights k0 ..< k0+8 of a block as int32: Q4_1 groups 0, 1 are the low nibbles of bytes
// 0-7 and 8-15, groups 2, 3 their high nibbles; Q8_0 group g is bytes 8g ..< 8g+8, signed.
IE_AVX2 static inline __m256i group_avx2(int type, const uint8_t *b, int g) {
    if (type == IE_QUANT_Q4_1) {
        __m256i q = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(b + 4 + 8 * (g & 1))));
        return g < 2 ? _mm256_and_si256(q, _mm256_set1_epi32(0x0F)) : _mm256_srli_epi32(q, 4);
    }
    return _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(b + 2 + 8 * g)));
}

IE_AVX2 static inline __attribute__((always_inline))
void rows_avx2(const int type, const uint8_t *w, long rowBytes, int K, const float *x, int n0, int n1, float *y,
               float beta) {
    int bytes = type == IE_QUANT_Q4_1 ? Q4_1_BYTES : Q8_0_BYTES;
    for (int n = n0; n < n1; n++) {
        __m256 acc = _mm256_setzero_ps();
        for (int b = 0; b < K / BLOCK; b++) {
            const uint8_t *blk = w + n * rowBytes + (long)b * bytes;
            __m256 d = _mm256_set1_ps(half_to_float(load16(blk)));
            __m256 m = _mm256_set1_ps(type == IE_QUANT_Q4_1 ? half_to_float(load16(blk + 2)) : 0);
            for (int g = 0; g < 4; g++) {
                __m256 v = _mm256_mul_ps(d, _mm256_cvtepi32_ps(group_avx2(type, blk, g)));
                if (type == IE_QUANT_Q4_1) v = _mm256_add_ps(v, m);
                acc = _mm256_fmadd_ps(v, _mm256_loadu_ps(x + b * BLOCK + 8 * g), acc);
            }
        }
        store(y + n, hsum8(acc), beta);
    }
}

// One instance per type, so the loops carry no test of it.
IE_AVX2 static void rows_avx2_q4_1(const uint8_t *w, long rowBytes, int K, const float *x, int n0, int n1, float *y,
                                   float beta) { rows_avx2(IE_QUANT_Q4_1, w, rowBytes, K, x, n0, n1, y, beta); }
IE_AVX2 static void rows_avx2_q8_0(const uint8_t *w, long rowBytes, int K, const float *x, int n0, int n1, float *y,
                                   float beta) { rows_avx2(IE_QUANT_Q8_0, w, rowBytes, K, x, n0, n1, y, beta); }

// AVX-512, Q4_1 only (Q8_0 rows read faster through the AVX2 loop on Zen 4: 15 against 23 ms for
// 200,000 rows, Scripts/bench/quant_rows.c): rows n and n+1 in the two halves of one register (their
// eight nibble bytes side by side), x's eight values in both halves, so each half accumulates what
// one AVX2 register would. Every AVX-512 CPU has F16C.
#define IE_AVX512_F16C __attribute__((target("avx512f,avx2,fma,f16c")))

IE_AVX512_F16C static inline __m512 pair(const uint8_t *a, const uint8_t *b) {
    return _mm512_castpd_ps(_mm512_insertf64x4(_mm512_castps_pd(_mm512_set1_ps(_cvtsh_ss(load16(a)))),
                                               _mm256_castps_pd(_mm256_set1_ps(_cvtsh_ss(load16(b)))), 1));
}

IE_AVX512_F16C static void rows_avx512_q4_1(const uint8_t *w, long rowBytes, int K, const float *x, int n0, int n1,
                                            float *y, float beta) {
    int n = n0;
    for (; n + 1 < n1; n += 2) {
        __m512 acc = _mm512_setzero_ps();
        for (int b = 0; b < K / BLOCK; b++) {
            const uint8_t *ba = w + n * rowBytes + (long)b * Q4_1_BYTES, *bb = ba + rowBytes;
            __m512 d = pair(ba, bb), m = pair(ba + 2, bb + 2);
            for (int g = 0; g < 4; g++) {
                int off = 4 + 8 * (g & 1);   // groups 0, 1: low nibbles of bytes 0-7, 8-15; 2, 3: high
                __m512i q = _mm512_cvtepu8_epi32(_mm_unpacklo_epi64(_mm_loadl_epi64((const __m128i *)(ba + off)),
                                                                    _mm_loadl_epi64((const __m128i *)(bb + off))));
                q = g < 2 ? _mm512_and_si512(q, _mm512_set1_epi32(0x0F)) : _mm512_srli_epi32(q, 4);
                __m512 v = _mm512_add_ps(_mm512_mul_ps(d, _mm512_cvtepi32_ps(q)), m);
                __m512 xv = _mm512_castpd_ps(_mm512_broadcast_f64x4(_mm256_castps_pd(_mm256_loadu_ps(x + b * BLOCK + 8 * g))));
                acc = _mm512_fmadd_ps(v, xv, acc);
            }
        }
        store(y + n, hsum8(_mm512_castps512_ps256(acc)), beta);
        store(y + n + 1, hsum8(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(acc), 1))), beta);
    }
    if (n < n1) rows_avx2_q4_1(w, rowBytes, K, x, n, n1, y, beta);
}
#endif

int ie_quant_row_bytes(int type, int K) {
    if (K <= 0 || K % BLOCK) return 0;
    if (type == IE_QUANT_Q4_1) return K / BLOCK * Q4_1_BYTES;
    if (type == IE_QUANT_Q8_0) return K / BLOCK * Q8_0_BYTES;
    return 0;
}

void ie_quant_forward_row(int type, const void *w, long rowBytes, int K, const float *x, int n0, int n1,
                          float *y, float beta) {
    const uint8_t *rows = w;
#if IE_X86
    int path = ie_kernel_path();
    int q4 = type == IE_QUANT_Q4_1;
    if (path == IE_PATH_AVX512 && q4) { rows_avx512_q4_1(rows, rowBytes, K, x, n0, n1, y, beta); return; }
    if (path >= IE_PATH_AVX2) { (q4 ? rows_avx2_q4_1 : rows_avx2_q8_0)(rows, rowBytes, K, x, n0, n1, y, beta); return; }
#endif
    rows_portable(type, rows, rowBytes, K, x, n0, n1, y, beta);
}
