// A native yardstick for `npm run bench` on a shared machine: the f32 matrix-vector products of
// one token of a llama2.c "stories" shape (the loops llama2.c's run.c uses, without attention),
// so a run of it next to the bench tells how fast this core is at the moment.
//   gcc -Ofast -march=native -o /tmp/anchor scripts/anchor-matvec.c
//   taskset -c 1 /tmp/anchor 288 768 6 200     # stories15M: dim, hidden, layers, tokens
//   taskset -c 1 /tmp/anchor 768 2048 12 20    # stories110M
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static void matvec(float *out, const float *x, const float *w, int n, int d) {
  for (int i = 0; i < d; i++) {
    float v = 0;
    for (int j = 0; j < n; j++) v += w[(long)i * n + j] * x[j];
    out[i] = v;
  }
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: %s dim hidden layers tokens\n", argv[0]);
    return 2;
  }
  const int dim = atoi(argv[1]), hidden = atoi(argv[2]), layers = atoi(argv[3]), tokens = atoi(argv[4]);
  const int vocab = 32000;
  const long perLayer = 4L * dim * dim + 3L * dim * hidden, total = perLayer * layers + (long)vocab * dim;
  float *w = malloc(sizeof(float) * total);
  float *x = calloc(dim, sizeof(float)), *h = calloc(hidden, sizeof(float));
  float *y = calloc(hidden > vocab ? hidden : vocab, sizeof(float));
  if (!w || !x || !h || !y) return 1;
  for (long i = 0; i < total; i++) w[i] = (float)((i * 2654435761u) % 1000) * 1e-5f - 0.005f;
  for (int i = 0; i < dim; i++) x[i] = 0.01f * (i % 7);
  double best = 1e30;
  for (int run = 0; run < 5; run++) {
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int t = 0; t < tokens; t++) {
      const float *p = w;
      for (int l = 0; l < layers; l++) {
        for (int m = 0; m < 4; m++, p += (long)dim * dim) matvec(y, x, p, dim, dim), x[m] += y[m] * 1e-9f;
        matvec(y, x, p, dim, hidden), p += (long)dim * hidden;
        matvec(h, x, p, dim, hidden), p += (long)dim * hidden;
        for (int i = 0; i < hidden; i++) h[i] *= y[i];
        matvec(y, h, p, hidden, dim), p += (long)dim * hidden;
        x[0] += y[0] * 1e-9f;
      }
      matvec(y, x, p, dim, vocab);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    const double s = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) * 1e-9;
    if (s < best) best = s;
  }
  printf("%.1f tokens/s (f32 matrix-vector products only; checksum %g)\n", tokens / best, y[0]);
  return 0;
}
