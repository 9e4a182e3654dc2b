// Host emulation of the few AVX-512F intrinsics linear.c uses (its x-pair tile since 2026-12-02), as two AVX2 halves: a check of the
// AVX-512 tile's logic (pairing, halves, remainders) on a CPU without AVX-512. See run.sh.
#include <immintrin.h>
#include "ckernels.h"
#define IE_X86 1
#define IE_AVX2 __attribute__((target("avx2,fma")))
#define IE_AVX512 __attribute__((target("avx2,fma")))
typedef struct { __m256 lo, hi; } emu_ps;
typedef struct { __m256d lo, hi; } emu_pd;
#define __m512 emu_ps
#define __m512d emu_pd
IE_AVX2 static inline emu_ps e_setzero(void) { emu_ps r = {_mm256_setzero_ps(), _mm256_setzero_ps()}; return r; }
IE_AVX2 static inline emu_pd e_cast256(__m256d a) { emu_pd r = {a, _mm256_set1_pd(__builtin_nan(""))}; return r; }
IE_AVX2 static inline emu_pd e_insert(emu_pd a, __m256d b, int i) { if (i) a.hi = b; else a.lo = b; return a; }
IE_AVX2 static inline emu_ps e_castpd_ps(emu_pd a) { emu_ps r = {_mm256_castpd_ps(a.lo), _mm256_castpd_ps(a.hi)}; return r; }
IE_AVX2 static inline emu_pd e_castps_pd(emu_ps a) { emu_pd r = {_mm256_castps_pd(a.lo), _mm256_castps_pd(a.hi)}; return r; }
IE_AVX2 static inline emu_pd e_bcast(__m256d a) { emu_pd r = {a, a}; return r; }
IE_AVX2 static inline emu_ps e_fmadd(emu_ps a, emu_ps b, emu_ps c) { emu_ps r = {_mm256_fmadd_ps(a.lo, b.lo, c.lo), _mm256_fmadd_ps(a.hi, b.hi, c.hi)}; return r; }
IE_AVX2 static inline __m256 e_ps256(emu_ps a) { return a.lo; }
IE_AVX2 static inline emu_ps e_loadu(const float *p) { emu_ps r = {_mm256_loadu_ps(p), _mm256_loadu_ps(p + 8)}; return r; }
IE_AVX2 static inline __m256d e_extract(emu_pd a, int i) { return i ? a.hi : a.lo; }
#define _mm512_setzero_ps e_setzero
#define _mm512_loadu_ps e_loadu
#define _mm512_castpd256_pd512 e_cast256
#undef _mm512_insertf64x4
#define _mm512_insertf64x4 e_insert
#define _mm512_castpd_ps e_castpd_ps
#define _mm512_castps_pd e_castps_pd
#define _mm512_broadcast_f64x4 e_bcast
#define _mm512_fmadd_ps e_fmadd
#define _mm512_castps512_ps256 e_ps256
#undef _mm512_extractf64x4_pd
#define _mm512_extractf64x4_pd e_extract
static int emu_path = 2;
static int ie_kernel_path(void) { return emu_path; }
