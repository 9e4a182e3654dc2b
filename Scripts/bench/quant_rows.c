// One row of x against W kept as GGUF blocks (`ie_quant_forward_row`, what decoding uses) against
// the Float32 kernel on the same dequantised rows, one thread, on each vector path the CPU has.
// W is larger than the caches by default (200,000 rows of 576), as the model's 30 blocks are to a
// decoded token. Also checks that both give the same bits. Best of 20 runs.
//   clang -O3 -ISources/CKernels/include -ISources/CKernels Scripts/bench/quant_rows.c Sources/CKernels/quant.c \
//         Sources/CKernels/linear.c Sources/CKernels/dispatch.c -lm -o /tmp/quant_rows && /tmp/quant_rows [N K]
#include "ckernels.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + 1e-9 * t.tv_nsec; }

static void put_half(uint8_t *p, float v) { _Float16 h = (_Float16)v; memcpy(p, &h, 2); }
static float get_half(const uint8_t *p) { _Float16 h; memcpy(&h, p, 2); return (float)h; }

int main(int argc, char **argv) {
    int N = argc > 2 ? atoi(argv[1]) : 200000, K = argc > 2 ? atoi(argv[2]) : 576;
    static const char *names[] = {"portable", "avx2", "avx512"};
    for (int type = IE_QUANT_Q4_1; type <= IE_QUANT_Q8_0; type += IE_QUANT_Q8_0 - IE_QUANT_Q4_1) {
        int rb = ie_quant_row_bytes(type, K), bs = type == IE_QUANT_Q4_1 ? 20 : 34;
        if (!rb) { fprintf(stderr, "K must be a multiple of 32\n"); return 1; }
        uint8_t *w = malloc((size_t)rb * N);
        float *wf = malloc(sizeof(float) * (size_t)N * K), *x = malloc(sizeof(float) * K);
        float *ref = malloc(sizeof(float) * N), *y = malloc(sizeof(float) * N);
        srand(1);
        for (long i = 0; i < (long)rb * N; i++) w[i] = rand();
        for (int n = 0; n < N; n++)
            for (int b = 0; b < K / 32; b++) {   // scales and minimums of a sane size, and the loader's values
                uint8_t *blk = w + (long)n * rb + b * bs;
                put_half(blk, 0.001f * (rand() % 100 + 1));
                if (type == IE_QUANT_Q4_1) put_half(blk + 2, -0.01f * (rand() % 10));
                float d = get_half(blk), m = type == IE_QUANT_Q4_1 ? get_half(blk + 2) : 0;
                for (int j = 0; j < 32; j++) {
                    float v = type == IE_QUANT_Q4_1 ? d * (float)(j < 16 ? blk[4 + j] & 15 : blk[4 + j - 16] >> 4)
                                                    : d * (float)(int8_t)blk[2 + j];
                    if (type == IE_QUANT_Q4_1) v = v + m;
                    wf[(long)n * K + b * 32 + j] = v;
                }
            }
        for (int k = 0; k < K; k++) x[k] = (rand() % 2001 - 1000) * 1e-3f;
        for (int p = ie_kernel_path_supported(); p >= 1; p--) {
            ie_set_kernel_path(p);
            ie_linear_forward(x, 1, K, K, wf, 0, N, ref, N, 0);
            double bq = 1e9, bf = 1e9;
            for (int r = 0; r < 20; r++) {
                double t0 = now();
                ie_quant_forward_row(type, w, rb, K, x, 0, N, y, 0);
                double t1 = now();
                ie_linear_forward(x, 1, K, K, wf, 0, N, ref, N, 0);
                double t2 = now();
                if (t1 - t0 < bq) bq = t1 - t0;
                if (t2 - t1 < bf) bf = t2 - t1;
            }
            int differ = 0;
            for (int n = 0; n < N; n++) differ += memcmp(&y[n], &ref[n], 4) != 0;
            printf("%s, %s path: blocks %.2f ms, Float32 %.2f ms (%d of %d outputs differ)\n",
                   type == IE_QUANT_Q4_1 ? "Q4_1" : "Q8_0", names[p], bq * 1e3, bf * 1e3, differ, N);
        }
        free(w); free(wf); free(x); free(ref); free(y);
    }
    return 0;
}
