#ifndef INSTRUCTEDIT_CKERNELS_H
#define INSTRUCTEDIT_CKERNELS_H

/// y = x Wᵀ, the forward product of a linear layer. With the few rows an edit has (its prompt, the
/// LM head at the loss positions) sgemm packs all of W on every call and per-row sgemv reads W once
/// per row; here each tile of four weight rows is read once for a whole block of rows of x.
///
/// Every output is computed by one fixed sequence of operations: eight lanes accumulate the products
/// of k = 8i + j with fused multiply-adds in k order, the lanes are summed in one fixed tree, and the
/// last K mod 8 products are added in order. A result therefore does not depend on how many rows are
/// computed together, on which thread computes it, or on whether the CPU has AVX2 (the portable path
/// does the same arithmetic one lane at a time).

/// y[t·ldy + n] = Σ_k x[t·ldx + k]·w[n·K + k] (+ beta·y[t·ldy + n] when beta ≠ 0), for t < T and
/// n0 ≤ n < n1.
void ie_linear_forward(const float *x, int T, int K, int ldx, const float *w, int n0, int n1,
                       float *y, int ldy, float beta);

/// 1 when the AVX2/FMA path is in use; `ie_use_portable(1)` switches to the portable path (tests).
int ie_kernels_vectorised(void);
void ie_use_portable(int on);

#endif
