// Compares the AVX-512 tile (emulated, emu.h) with the AVX2 tile bit for bit over 792 shapes.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
void ie_linear_forward(const float *x, int T, int K, int ldx, const float *w, int n0, int n1, float *y, int ldy, float beta);
extern void set_path(int);
int main(void) {
  srand(1); int bad = 0, total = 0;
  int Ts[] = {1,2,3,4,5,7,11,16,33}, Ks[] = {1,7,8,9,24,64,100,576}, Ns[] = {1,2,3,5,7,8,9,15,16,17,33};
  for (int a=0;a<9;a++) for (int b=0;b<8;b++) for (int c=0;c<11;c++) {
    int T=Ts[a],K=Ks[b],N=Ns[c];
    float *x=malloc(4*T*K),*w=malloc(4*N*K),*y1=malloc(4*T*N),*y2=malloc(4*T*N);
    for(int i=0;i<T*K;i++) x[i]=rand()/(float)RAND_MAX-0.5f; for(int i=0;i<N*K;i++) w[i]=rand()/(float)RAND_MAX-0.5f;
    for(int i=0;i<T*N;i++) y1[i]=y2[i]=rand()/(float)RAND_MAX;
    float beta = (a+b+c)%2 ? 0.5f : 0.f;
    set_path(1); ie_linear_forward(x,T,K,K,w,0,N,y1,N,beta);
    set_path(2); ie_linear_forward(x,T,K,K,w,0,N,y2,N,beta);
    total++; if (memcmp(y1,y2,4*T*N)) { bad++; printf("differ T %d K %d N %d\n",T,K,N); }
    free(x);free(w);free(y1);free(y2);
  }
  printf("%d of %d shapes differ\n", bad, total); return bad != 0;
}
