#include <cblas.h>

// LAPACK's symmetric eigensolver (divide and conquer), exported by OpenBLAS; its header is not
// always installed, so the Fortran entry point is declared here (32-bit integers, as Debian builds it).
void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w,
             double *work, const int *lwork, int *iwork, const int *liwork, int *info);
