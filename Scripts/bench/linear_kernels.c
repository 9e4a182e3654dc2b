// Sources/CKernels' y = x Wᵀ against OpenBLAS sgemm, one thread each (`Linear.forward` splits
// the output rows over the cores on top), on the shapes an edit meets with SmolLM2-135M: its MLP
// gate|up and down, and a MEND editor network's two products over 66 rows. Best of 20 runs, W in cache.
//   clang -O3 -ISources/CKernels/include Scripts/bench/linear_kernels.c Sources/CKernels/linear.c \
//         -lopenblas -lm -o /tmp/linear_kernels && /tmp/linear_kernels
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
    double kernel = 1e9, blas = 1e9;
    for (int r = 0; r < 20; r++) {
        double t0 = now();
        ie_linear_forward(x, T, K, K, w, 0, N, y, N, 0);
        double t1 = now();
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, T, N, K, 1, x, K, w, K, 0, y, N);
        double t2 = now();
        if (t1 - t0 < kernel) kernel = t1 - t0;
        if (t2 - t1 < blas) blas = t2 - t1;
    }
    double flop = 2.0 * T * N * K;
    printf("%-28s T %4d  N %4d  K %4d   kernel %7.2f ms (%4.1f GFLOP/s)   sgemm %7.2f ms (%4.1f GFLOP/s)\n",
           what, T, N, K, kernel * 1e3, flop / kernel / 1e9, blas * 1e3, flop / blas / 1e9);
    free(x); free(w); free(y);
}

int main(void) {
    openblas_set_num_threads(1);
    printf("AVX2 path: %s\n", ie_kernels_vectorised() ? "yes" : "no (portable)");
    compare("MLP gate|up, edit prompt", 11, 3072, 576);
    compare("MLP down, edit prompt", 11, 576, 1536);
    compare("LM head, 3 loss positions", 3, 49152, 576);
    compare("editor network h Vᵀ", 66, 576, 2112);
    compare("editor network q Uᵀ", 66, 2112, 576);
    compare("MLP gate|up, 32 tokens", 32, 3072, 576);
    compare("MLP gate|up, 256 tokens", 256, 3072, 576);
    compare("MLP gate|up, 1024 tokens", 1024, 3072, 576);
    return 0;
}
