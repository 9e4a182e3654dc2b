// Sources/CKernels' y = x Wᵀ against OpenBLAS sgemm, one thread each (`Linear.forward` splits
// the output rows over the cores on top), on the shapes an edit meets with SmolLM2-135M: its MLP
// gate|up and down, and a MEND editor network's two products over 66 rows. Best of 20 runs, W in cache.
//   clang -O3 -ISources/CKernels/include -ISources/CKernels Scripts/bench/linear_kernels.c Sources/CKernels/linear.c \
//         Sources/CKernels/dispatch.c -lopenblas -lm -o /tmp/linear_kernels && /tmp/linear_kernels
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
    return 0;
}
