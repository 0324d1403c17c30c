/*
 * Times OpenBLAS cblas_sgemm on the same shapes as `ttl bench gemm`, for a side-by-side ratio.
 * Usage: sgemm_bench [--json] [--seconds S] [--shapes MxKxN[:TT],...]
 * Threads come from OPENBLAS_NUM_THREADS. Per shape: warm-up for S/2 seconds, then timed runs for
 * at least S seconds and 5 repeats; reports the median.
 */
#define _POSIX_C_SOURCE 200809L
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

char *openblas_get_corename(void);
int openblas_get_num_threads(void);

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

static const char *DEFAULT_SHAPES = "256x256x256,512x512x512,1024x1024x1024,2048x2048x2048,"
        "128x784x1024:NN,128x784x1024:NT,784x128x1024:TN,128x1024x1024:NN,128x1024x10:NN";

int main(int argc, char **argv) {
    int json = 0;
    double seconds = 1.0;
    const char *shapes = DEFAULT_SHAPES;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json")) json = 1;
        else if (!strcmp(argv[i], "--seconds") && i + 1 < argc) seconds = atof(argv[++i]);
        else if (!strcmp(argv[i], "--shapes") && i + 1 < argc) shapes = argv[++i];
        else {
            fprintf(stderr, "usage: %s [--json] [--seconds S] [--shapes MxKxN[:TT],...]\n", argv[0]);
            return 2;
        }
    }
    char *list = strdup(shapes);
    int threads = openblas_get_num_threads();
    if (json) printf("{\"library\":\"openblas\",\"core\":\"%s\",\"threads\":%d,\"results\":[", openblas_get_corename(), threads);
    else printf("# openblas core %s, %d thread(s)\nshape\tmedian_ms\tgflops\n", openblas_get_corename(), threads);
    int first = 1;
    for (char *tok = strtok(list, ","); tok; tok = strtok(NULL, ",")) {
        int m, k, n;
        char ta = 'N', tb = 'N';
        if (sscanf(tok, "%dx%dx%d:%c%c", &m, &k, &n, &ta, &tb) < 3 || m < 1 || k < 1 || n < 1
                || (ta != 'N' && ta != 'T') || (tb != 'N' && tb != 'T')) {
            fprintf(stderr, "bad shape '%s': expected MxKxN or MxKxN:TT\n", tok);
            return 2;
        }
        float *a = malloc(sizeof(float) * (size_t) m * k), *b = malloc(sizeof(float) * (size_t) k * n);
        float *c = calloc((size_t) m * n, sizeof(float));
        unsigned s = 42;
        for (size_t i = 0; i < (size_t) m * k; i++) { s = s * 1664525u + 1013904223u; a[i] = (s >> 8) / 8388608.0f - 1.0f; }
        for (size_t i = 0; i < (size_t) k * n; i++) { s = s * 1664525u + 1013904223u; b[i] = (s >> 8) / 8388608.0f - 1.0f; }
        enum CBLAS_TRANSPOSE opa = ta == 'T' ? CblasTrans : CblasNoTrans, opb = tb == 'T' ? CblasTrans : CblasNoTrans;
        int lda = ta == 'T' ? m : k, ldb = tb == 'T' ? k : n;
        double end = now() + seconds * 0.5;
        do cblas_sgemm(CblasRowMajor, opa, opb, m, n, k, 1.0f, a, lda, b, ldb, 0.0f, c, n); while (now() < end);
        int cap = 1024, count = 0;
        double *t = malloc(sizeof(double) * cap);
        end = now() + seconds;
        while (count < 5 || now() < end) {
            double t0 = now();
            cblas_sgemm(CblasRowMajor, opa, opb, m, n, k, 1.0f, a, lda, b, ldb, 0.0f, c, n);
            if (count == cap) t = realloc(t, sizeof(double) * (cap *= 2));
            t[count++] = now() - t0;
            if (count >= 100000) break;
        }
        qsort(t, count, sizeof(double), cmp_double);
        double med = count % 2 ? t[count / 2] : 0.5 * (t[count / 2 - 1] + t[count / 2]);
        double gflops = 2.0 * m * n * k / med / 1e9;
        if (json) {
            printf("%s{\"shape\":\"%dx%dx%d:%c%c\",\"median_s\":%.9f,\"repeats\":%d,\"rate\":%.3f}",
                   first ? "" : ",", m, k, n, ta, tb, med, count, gflops);
        } else {
            printf("%dx%dx%d:%c%c\t%.3f\t%.1f\n", m, k, n, ta, tb, med * 1e3, gflops);
        }
        first = 0;
        free(t); free(a); free(b); free(c);
    }
    if (json) printf("]}\n");
    free(list);
    return 0;
}
