#ifndef INSTRUCTEDIT_CKERNELS_H
#define INSTRUCTEDIT_CKERNELS_H

// Kernels in C, each with an AVX2/FMA path (AVX-512 for the linear product) chosen at run time and
// a portable path doing the same operations in the same order, so every path gives the same bits.

/// y = x Wᵀ, the forward product of a linear layer. With the few rows an edit has (its prompt, the
/// LM head at the loss positions) sgemm packs all of W on every call and per-row sgemv reads W once
/// per row; here each tile of weight rows is read once for a whole block of rows of x.
///
/// Every output is computed by one fixed sequence of operations: eight lanes accumulate the products
/// of k = 8i + j with fused multiply-adds in k order, the lanes are summed in one fixed tree, and the
/// last K mod 8 products are added in order. A result therefore does not depend on how many rows are
/// computed together, on which thread computes it, or on the vector path: the portable path does
/// the same arithmetic one lane at a time, and the AVX-512 path keeps two outputs' eight lanes in
/// the two halves of one 16-lane register (two weight rows side by side), so it too gives the same
/// bits as the AVX2 path.
///
/// y[t·ldy + n] = Σ_k x[t·ldx + k]·w[n·K + k] (+ beta·y[t·ldy + n] when beta ≠ 0), for t < T and
/// n0 ≤ n < n1.
void ie_linear_forward(const float *x, int T, int K, int ldx, const float *w, int n0, int n1,
                       float *y, int ldy, float beta);

/// The backward products of y = x Wᵀ (W is (m, n): m outputs of n inputs), with the few rows an
/// edit or a meta-training step has. Each output is one chain of fused multiply-adds in a fixed
/// order, so it does not depend on the vector path, on how the outputs are split over threads, or
/// on how many rows are computed together.
///
/// dx[t·ldx + j] for t < T and j0 ≤ j < j1: starting from beta·dx (0 when beta = 0), add
/// dy[t·ldy + i]·w[i·ldw + j] for i = 0, 1, …, m − 1 in that order.
void ie_linear_backward_input(const float *dy, int T, int m, int ldy, const float *w, int ldw, int j0, int j1,
                              float *dx, int ldx, float beta);

/// dw[i·lddw + j] for i0 ≤ i < i1 and j < n: starting from dw, add dy[t·ldy + i]·x[t·ldx + j] for
/// t = 0, 1, …, T − 1 in that order.
void ie_linear_backward_weight(const float *dy, int ldy, const float *x, int ldx, int T, int n, int i0, int i1,
                               float *dw, int lddw);

/// y[i] = exp(x[i]) (x and y may be the same array). Range reduction by ln 2 in two parts, a degree-7
/// polynomial, and the power of two applied in two steps so that results in the subnormal range
/// round once. For normal results within 2 ulp of exp computed in Double (VectorMathTests checks 2;
/// it measures about 1.01 ulp, relative error 8.2e-8); exp(−inf) = 0, exp(+inf) = +inf, NaN stays
/// NaN, 0 below about −103.9 and +inf above about 88.72.
void ie_exp(const float *x, float *y, int n);

/// In place: x[0..<n] ← softmax(scale · x[0..<n]) (max subtracted; the sum accumulated in eight lanes
/// in index order, summed in a fixed tree), and x[n..<len] ← 0. Needs n ≥ 1.
void ie_softmax(float *x, int n, int len, float scale);

/// The value product of causal attention: out[r·ldo + c] = Σ_{j < n_r} p[r·ldp + j]·v[j·ldv + c] for
/// r < rows, c < hd, where row r sees n_r = first + r / group keys (the query heads of one key/value
/// head are `group` adjacent rows). Each output is accumulated from zero with fused multiply-adds
/// in key order, on every path.
void ie_attend_values(const float *p, int rows, int ldp, int first, int group, const float *v, int ldv, int hd,
                      float *out, int ldo);

/// `ie_linear_forward` with the rows of W `ldw` apart (keys in a cache or a fused q | k | v row).
void ie_linear_forward_ldw(const float *x, int T, int K, int ldx, const float *w, int ldw, int n0, int n1,
                           float *y, int ldy, float beta);

/// act[i] = silu(gate[i])·up[i], silu(g) = g / (1 + exp(−g)).
void ie_swiglu_forward(const float *gate, const float *up, float *act, int n);

/// σ = 1 / (1 + exp(−g)):  dgate[i] = da·up·σ·(1 + g(1 − σ)),  dup[i] = da·g·σ (overwritten).
void ie_swiglu_backward(const float *da, const float *gate, const float *up, float *dgate, float *dup, int n);

/// GGUF block types `ie_quant_forward_row` reads (their ggml type numbers).
enum { IE_QUANT_Q4_1 = 3, IE_QUANT_Q8_0 = 8 };

/// Bytes of one row of K weights of `type` (K a multiple of 32); 0 for another type or K.
int ie_quant_row_bytes(int type, int K);

/// y[n] = Σ_k w[n,k]·x[k] (+ beta·y[n] when beta ≠ 0) for n0 ≤ n < n1, one row of x, W's rows kept as
/// GGUF blocks `rowBytes` apart. Each weight is dequantised as the loader does (Q4_1: d·q + m, Q8_0:
/// d·q, each operation rounded) and summed as `ie_linear_forward` sums, so the result is the same
/// bits as `ie_linear_forward` with T = 1 on the dequantised Float32 rows, on every path.
void ie_quant_forward_row(int type, const void *w, long rowBytes, int K, const float *x, int n0, int n1,
                          float *y, float beta);

/// The vector paths, narrowest first.
enum { IE_PATH_PORTABLE = 0, IE_PATH_AVX2 = 1, IE_PATH_AVX512 = 2 };

/// The widest path this CPU can run.
int ie_kernel_path_supported(void);
/// Restricts the kernels to `path` or narrower (tests; −1: the widest again); returns the path now
/// in use, which is never wider than the CPU supports.
int ie_set_kernel_path(int path);
/// "avx512", "avx2" or "portable": the path in use.
const char *ie_kernel_path_name(void);

/// 1 when a vector path is in use.
int ie_kernels_vectorised(void);

/// Makes glibc keep freed blocks of up to 1 GiB in the heap instead of unmapping them (no-op
/// elsewhere).
void ie_keep_freed_buffers(void);

#endif
