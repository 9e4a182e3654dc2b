// exp, softmax and SwiGLU over arrays (ckernels.h). The AVX2/FMA path and the portable path do the
// same operations in the same order (AVX2 also serves AVX-512 CPUs here), so they give the same bits.
#include "dispatch.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#pragma STDC FP_CONTRACT OFF

// exp(x) = 2^n · exp(r), n = round(x / ln 2), r = x − n·ln 2 with ln 2 in two parts (LN2_HI has
// few bits, so n·LN2_HI is exact); exp(r) = 1 + r + r²·p(r) on |r| ≤ ln 2 / 2 (a minimax fit of
// Cephes' expf, coefficients published there). x is clamped to [X_LO, X_HI], which keeps n within
// [−150, 128], so 2^n split as 2^n1 · 2^n2 has both factors normal.
static const float LOG2E = 1.44269504088896341f, LN2_HI = 0.693359375f, LN2_LO = -2.12194440e-4f;
static const float X_LO = -104.0f, X_HI = 89.0f;
static const float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f,
                   P3 = 4.1665795894e-2f, P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;

static inline float pow2(int n) {
    uint32_t bits = (uint32_t)(n + 127) << 23;
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

static inline float exp_portable(float x) {
    if (x != x) return x + x;
    float c = x < X_LO ? X_LO : (x > X_HI ? X_HI : x);
    float n = rintf(c * LOG2E);
    float r = fmaf(n, -LN2_HI, c);
    r = fmaf(n, -LN2_LO, r);
    float p = fmaf(fmaf(fmaf(fmaf(fmaf(P0, r, P1), r, P2), r, P3), r, P4), r, P5);
    float e = fmaf(p, r * r, r) + 1.0f;
    int ni = (int)n, n2 = ni >> 1;
    return e * pow2(ni - n2) * pow2(n2);
}

#if IE_X86
IE_AVX2 static inline __m256 pow2_avx2(__m256i n) {
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n, _mm256_set1_epi32(127)), 23));
}

IE_AVX2 static inline __m256 exp_avx2(__m256 x) {
    // min/max return their second operand when one is NaN: x is restored below.
    __m256 c = _mm256_max_ps(_mm256_min_ps(x, _mm256_set1_ps(X_HI)), _mm256_set1_ps(X_LO));
    __m256 n = _mm256_round_ps(_mm256_mul_ps(c, _mm256_set1_ps(LOG2E)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fmadd_ps(n, _mm256_set1_ps(-LN2_HI), c);
    r = _mm256_fmadd_ps(n, _mm256_set1_ps(-LN2_LO), r);
    __m256 p = _mm256_fmadd_ps(_mm256_set1_ps(P0), r, _mm256_set1_ps(P1));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(P2));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(P3));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(P4));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(P5));
    __m256 e = _mm256_add_ps(_mm256_fmadd_ps(p, _mm256_mul_ps(r, r), r), _mm256_set1_ps(1.0f));
    __m256i ni = _mm256_cvtps_epi32(n), n2 = _mm256_srai_epi32(ni, 1);
    e = _mm256_mul_ps(_mm256_mul_ps(e, pow2_avx2(_mm256_sub_epi32(ni, n2))), pow2_avx2(n2));
    __m256 nan = _mm256_cmp_ps(x, x, _CMP_UNORD_Q);
    return _mm256_blendv_ps(e, _mm256_add_ps(x, x), nan);
}

IE_AVX2 static void exp_array_avx2(const float *x, float *y, int n) {
    int i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, exp_avx2(_mm256_loadu_ps(x + i)));
    for (; i < n; i++) y[i] = exp_portable(x[i]);
}

IE_AVX2 static float softmax_avx2(float *x, int n) {
    int n8 = n & ~7, i = 0;
    __m256 mv = _mm256_set1_ps(-INFINITY);
    for (; i < n8; i += 8) mv = _mm256_max_ps(mv, _mm256_loadu_ps(x + i));
    float lanes[8], m = -INFINITY;
    _mm256_storeu_ps(lanes, mv);
    for (int j = 0; j < 8; j++) m = lanes[j] > m ? lanes[j] : m;
    for (; i < n; i++) m = x[i] > m ? x[i] : m;
    __m256 acc = _mm256_setzero_ps(), mm = _mm256_set1_ps(m);
    for (i = 0; i < n8; i += 8) {
        __m256 e = exp_avx2(_mm256_sub_ps(_mm256_loadu_ps(x + i), mm));
        _mm256_storeu_ps(x + i, e);
        acc = _mm256_add_ps(acc, e);
    }
    _mm256_storeu_ps(lanes, acc);
    float a0 = lanes[0] + lanes[4], a1 = lanes[1] + lanes[5], a2 = lanes[2] + lanes[6], a3 = lanes[3] + lanes[7];
    float s = (a0 + a2) + (a1 + a3);
    for (; i < n; i++) { x[i] = exp_portable(x[i] - m); s += x[i]; }
    float inv = 1.0f / s;
    __m256 iv = _mm256_set1_ps(inv);
    for (i = 0; i < n8; i += 8) _mm256_storeu_ps(x + i, _mm256_mul_ps(_mm256_loadu_ps(x + i), iv));
    for (; i < n; i++) x[i] *= inv;
    return s;
}

IE_AVX2 static void swiglu_forward_avx2(const float *g, const float *u, float *a, int n) {
    int i = 0;
    __m256 one = _mm256_set1_ps(1.0f), zero = _mm256_setzero_ps();
    for (; i + 8 <= n; i += 8) {
        __m256 gv = _mm256_loadu_ps(g + i);
        __m256 e = exp_avx2(_mm256_sub_ps(zero, gv));
        _mm256_storeu_ps(a + i, _mm256_mul_ps(_mm256_div_ps(gv, _mm256_add_ps(one, e)), _mm256_loadu_ps(u + i)));
    }
    for (; i < n; i++) a[i] = g[i] / (1.0f + exp_portable(0.0f - g[i])) * u[i];
}

IE_AVX2 static void swiglu_backward_avx2(const float *da, const float *g, const float *u, float *dg, float *du, int n) {
    int i = 0;
    __m256 one = _mm256_set1_ps(1.0f), zero = _mm256_setzero_ps();
    for (; i + 8 <= n; i += 8) {
        __m256 gv = _mm256_loadu_ps(g + i), dav = _mm256_loadu_ps(da + i);
        __m256 sig = _mm256_div_ps(one, _mm256_add_ps(one, exp_avx2(_mm256_sub_ps(zero, gv))));
        __m256 slope = _mm256_add_ps(one, _mm256_mul_ps(gv, _mm256_sub_ps(one, sig)));
        _mm256_storeu_ps(dg + i, _mm256_mul_ps(_mm256_mul_ps(_mm256_mul_ps(dav, _mm256_loadu_ps(u + i)), sig), slope));
        _mm256_storeu_ps(du + i, _mm256_mul_ps(_mm256_mul_ps(dav, gv), sig));
    }
    for (; i < n; i++) {
        float sig = 1.0f / (1.0f + exp_portable(0.0f - g[i]));
        dg[i] = da[i] * u[i] * sig * (1.0f + g[i] * (1.0f - sig));
        du[i] = da[i] * g[i] * sig;
    }
}
#endif

void ie_exp(const float *x, float *y, int n) {
#if IE_X86
    if (ie_kernel_path() != IE_PATH_PORTABLE) { exp_array_avx2(x, y, n); return; }
#endif
    for (int i = 0; i < n; i++) y[i] = exp_portable(x[i]);
}

// The portable softmax: the AVX2 one's operations, one lane at a time.
static void softmax_portable(float *x, int n) {
    int n8 = n & ~7, i = 0;
    float lanes[8], m = -INFINITY;
    for (int j = 0; j < 8; j++) lanes[j] = -INFINITY;
    for (; i < n8; i++) lanes[i & 7] = x[i] > lanes[i & 7] ? x[i] : lanes[i & 7];
    for (int j = 0; j < 8; j++) m = lanes[j] > m ? lanes[j] : m;
    for (; i < n; i++) m = x[i] > m ? x[i] : m;
    for (int j = 0; j < 8; j++) lanes[j] = 0;
    for (i = 0; i < n8; i++) { x[i] = exp_portable(x[i] - m); lanes[i & 7] += x[i]; }
    float a0 = lanes[0] + lanes[4], a1 = lanes[1] + lanes[5], a2 = lanes[2] + lanes[6], a3 = lanes[3] + lanes[7];
    float s = (a0 + a2) + (a1 + a3);
    for (; i < n; i++) { x[i] = exp_portable(x[i] - m); s += x[i]; }
    float inv = 1.0f / s;
    for (i = 0; i < n; i++) x[i] *= inv;
}

void ie_softmax(float *x, int n, int len, float scale) {
    if (scale != 1)
        for (int i = 0; i < n; i++) x[i] *= scale;   // exact for a power of two, such as 1/sqrt(64)
#if IE_X86
    if (ie_kernel_path() != IE_PATH_PORTABLE) softmax_avx2(x, n);
    else
#endif
        softmax_portable(x, n);
    for (int i = n; i < len; i++) x[i] = 0;
}

void ie_swiglu_forward(const float *gate, const float *up, float *act, int n) {
#if IE_X86
    if (ie_kernel_path() != IE_PATH_PORTABLE) { swiglu_forward_avx2(gate, up, act, n); return; }
#endif
    for (int i = 0; i < n; i++) act[i] = gate[i] / (1.0f + exp_portable(0.0f - gate[i])) * up[i];
}

void ie_swiglu_backward(const float *da, const float *gate, const float *up, float *dgate, float *dup, int n) {
#if IE_X86
    if (ie_kernel_path() != IE_PATH_PORTABLE) { swiglu_backward_avx2(da, gate, up, dgate, dup, n); return; }
#endif
    for (int i = 0; i < n; i++) {
        float g = gate[i], sig = 1.0f / (1.0f + exp_portable(0.0f - g));
        dgate[i] = da[i] * up[i] * sig * (1.0f + g * (1.0f - sig));
        dup[i] = da[i] * g * sig;
    }
}
