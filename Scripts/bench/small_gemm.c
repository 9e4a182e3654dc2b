// Why a forward over a few tokens runs below the machine's sgemm ceiling: OpenBLAS's products at
// the row counts an edit (about 11 tokens) and the benchmark (32) use, over the 30 blocks' weight
// shapes of SmolLM2-135M (distinct matrices, so nothing stays in cache), three ways:
// sgemm x·Wᵀ, one sgemv per row over 1 MiB blocks of W (what Linear.forward did for 2-12 rows before
// Sources/CKernels; Linear.backwardInput still does it, transposed), and sgemm W·xᵀ. Our kernel
// against sgemm: linear_kernels.c. Figures are in RESULTS.md ("Speed").
//   cc -O3 -march=native Scripts/bench/small_gemm.c -o /tmp/small_gemm -lopenblas && /tmp/small_gemm
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
int main(int argc,char**argv){
  int shapes[][2]={{576,960},{576,576},{576,3072},{1536,576}};
  int Ms[]={3,8,11,13,16,32};
  for(int mi=0;mi<6;mi++){int M=Ms[mi];
  double tg=0,tv=0,tw=0,f=0;
  for(int s=0;s<4;s++){
    int K=shapes[s][0], N=shapes[s][1], L=30;
    float **W=malloc(sizeof(float*)*L);
    for(int l=0;l<L;l++){W[l]=malloc(sizeof(float)*K*N); for(long i=0;i<(long)K*N;i++)W[l][i]=(i%7)*0.01f;}
    float *x=malloc(sizeof(float)*M*K), *y=malloc(sizeof(float)*M*N);
    for(int i=0;i<M*K;i++)x[i]=0.1f;
    double best=1e9,bestv=1e9,bestw=1e9;
    for(int r=0;r<4;r++){
      double t=now();
      for(int l=0;l<L;l++) cblas_sgemm(CblasRowMajor,CblasNoTrans,CblasTrans,M,N,K,1,x,K,W[l],K,0,y,N);
      t=now()-t; if(t<best)best=t;
      t=now();
      int block=(1<<18)/K; if(block<1)block=1;
      for(int l=0;l<L;l++) for(int r0=0;r0<N;r0+=block){int rows=N-r0<block?N-r0:block;
        for(int tt=0;tt<M;tt++) cblas_sgemv(CblasRowMajor,CblasNoTrans,rows,K,1,W[l]+(long)r0*K,K,x+tt*K,1,0,y+tt*N+r0,1);}
      t=now()-t; if(t<bestv)bestv=t;
      t=now();
      for(int l=0;l<L;l++) cblas_sgemm(CblasRowMajor,CblasNoTrans,CblasTrans,N,M,K,1,W[l],K,x,K,0,y,M);
      t=now()-t; if(t<bestw)bestw=t;
    }
    tg+=best; tv+=bestv; tw+=bestw; f+=2.0*M*N*K*L;
    for(int l=0;l<L;l++)free(W[l]); free(W); free(x); free(y);
  }
  printf("M=%d all blocks: sgemm %.1f ms (%.1f GF/s)  blocked sgemv %.1f ms (%.1f GF/s) W·xT %.1f ms (%.1f GF/s)\n",M,tg*1e3,f/tg/1e9,tv*1e3,f/tv/1e9,tw*1e3,f/tw/1e9);
  }
}
