// Sources/CKernels' y = x Wᵀ and its two backward products (dx = dy W, dW += dyᵀ x) against
// OpenBLAS sgemm, one thread each (`Linear` splits the outputs over the cores on top), on the shapes
// an edit and a meta-training step meet with SmolLM2-135M: its MLP gate|up and down, the LM head at
// the scored positions, and a MEND editor network's products. Best of 20 runs (10 for the backward).
//   clang -O3 -ISources/CKernels/include -ISources/CKernels Scripts/bench/linear_kernels.c Sources/CKernels/linear.c \
//         Sources/CKernels/linear_backward.c Sources/CKernels/dispatch.c -lopenblas -lm -o /tmp/linear_kernels && /tmp/linear_kernels
#include "ckernels.h"
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + 1e-9 * t.tv_nsec; }

static void compare(const char *what, int T, int N, int K) {
    float *x = malloc(sizeof(float) * T * K), *w = malloc(sizeof(float) * N * K), *y = malloc(sizeof(float) * T * N);
    for (int i = 0; i < T * K; i++) x[i] = 0.001f * (i % 91);
    for (long i = 0; i < (long)N * K; i++) w[i] = 0.001f * (i % 77);
    // Best of 20 for each vector path the CPU has (widest first), then sgemm, alternated.
    int widest = ie_kernel_path_supported();
    double best[4] = {1e9, 1e9, 1e9, 1e9};
    for (int r = 0; r < 20; r++)
        for (int p = widest; p >= -1; p--) {
            double t0 = now();
            if (p >= 0) { ie_set_kernel_path(p); ie_linear_forward(x, T, K, K, w, 0, N, y, N, 0); }
            else cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, T, N, K, 1, x, K, w, K, 0, y, N);
            double t = now() - t0;
            if (t < best[p + 1]) best[p + 1] = t;
        }
    double flop = 2.0 * T * N * K;
    printf("%-28s T %4d  N %5d  K %4d  GFLOP/s:", what, T, N, K);
    static const char *names[] = {"portable", "avx2", "avx512"};
    for (int p = widest; p >= 1; p--) printf("  %s %5.1f", names[p], flop / best[p + 1] / 1e9);
    printf("  sgemm %5.1f\n", flop / best[0] / 1e9);
    free(x); free(w); free(y);
}

static void report(const char *product, const char *what, int T, int m, int n, const double *best, int widest) {
    static const char *names[] = {"portable", "avx2", "avx512"};
    printf("%-12s %-26s T %4d  m %5d  n %4d  GFLOP/s:", product, what, T, m, n);
    double flop = 2.0 * T * m * n;
    for (int p = widest; p >= 1; p--) printf("  %s %5.1f", names[p], flop / best[p + 1] / 1e9);
    printf("  sgemm %5.1f\n", flop / best[0] / 1e9);
}

/// dx (T, n) = dy (T, m) · W (m, n): ours on each path against sgemm.
static void compare_input(const char *what, int T, int m, int n) {
    float *dy = malloc(sizeof(float) * T * m), *w = malloc(sizeof(float) * (long)m * n), *dx = malloc(sizeof(float) * T * n);
    for (int i = 0; i < T * m; i++) dy[i] = 0.001f * (i % 91) - 0.04f;
    for (long i = 0; i < (long)m * n; i++) w[i] = 0.001f * (i % 77) - 0.03f;
    int widest = ie_kernel_path_supported();
    double best[4] = {1e9, 1e9, 1e9, 1e9};
    for (int r = 0; r < 10; r++)
        for (int p = widest; p >= -1; p--) {
            double t0 = now();
            if (p >= 0) { ie_set_kernel_path(p); ie_linear_backward_input(dy, T, m, m, w, n, 0, n, dx, n, 0); }
            else cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, T, n, m, 1, dy, m, w, n, 0, dx, n);
            double t = now() - t0;
            if (t < best[p + 1]) best[p + 1] = t;
        }
    report("dx = dy W", what, T, m, n, best, widest);
    free(dy); free(w); free(dx);
}

/// dW (m, n) += dy (T, m)ᵀ · x (T, n): ours on each path against sgemm.
static void compare_weight(const char *what, int T, int m, int n) {
    float *dy = malloc(sizeof(float) * T * m), *x = malloc(sizeof(float) * T * n), *dw = calloc((size_t)m * n, sizeof(float));
    for (int i = 0; i < T * m; i++) dy[i] = 0.001f * (i % 91) - 0.04f;
    for (int i = 0; i < T * n; i++) x[i] = 0.001f * (i % 77) - 0.03f;
    int widest = ie_kernel_path_supported();
    double best[4] = {1e9, 1e9, 1e9, 1e9};
    for (int r = 0; r < 10; r++)
        for (int p = widest; p >= -1; p--) {
            double t0 = now();
            if (p >= 0) { ie_set_kernel_path(p); ie_linear_backward_weight(dy, m, x, n, T, n, 0, m, dw, n); }
            else cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, m, n, T, 1, dy, m, x, n, 1, dw, n);
            double t = now() - t0;
            if (t < best[p + 1]) best[p + 1] = t;
        }
    report("dW += dyT x", what, T, m, n, best, widest);
    free(dy); free(x); free(dw);
}

int main(void) {
    openblas_set_num_threads(1);
    printf("widest vector path: %s\n", ie_kernel_path_name());
    compare("MLP gate|up, edit prompt", 11, 3072, 576);
    compare("MLP down, edit prompt", 11, 576, 1536);
    compare("LM head, 3 loss positions", 3, 49152, 576);
    compare("editor network h Vᵀ", 66, 576, 2112);
    compare("editor network q Uᵀ", 66, 2112, 576);
    compare("MLP gate|up, 32 tokens", 32, 3072, 576);
    compare("MLP gate|up, 256 tokens", 256, 3072, 576);
    compare("MLP gate|up, 1024 tokens", 1024, 3072, 576);
    compare("LM head, 32 tokens", 32, 49152, 576);
    compare_input("LM head, 20 positions", 20, 49152, 576);
    compare_input("LM head, 60 positions", 60, 49152, 576);
    compare_input("MLP down, 40 tokens", 40, 576, 1536);
    compare_input("MLP gate|up, 40 tokens", 40, 3072, 576);
    compare_input("attention q|k|v, 40 tokens", 40, 960, 576);
    compare_input("editor g_q = g_p U", 66, 2112, 128);
    compare_weight("MLP down, 40 tokens", 40, 576, 1536);
    compare_weight("MLP gate, 40 tokens", 40, 1536, 576);
    compare_weight("edit W += dᵀu, 60 rows", 60, 1536, 576);
    compare_weight("editor dU += g_pᵀ q", 66, 2112, 128);
    return 0;
}
