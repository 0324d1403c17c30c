/*
 * Times LAPACK's sgesvd (thin U and V^T: jobu = jobvt = 'S') on random M x N single-precision
 * matrices, the reference for ttl4j's Svd in bench/svd-vs-lapack.sh.
 *
 * usage: sgesvd_bench M N REPEATS
 * prints: one line "sgesvd MxN median_ms min_ms max_ms repeats"
 * The matrix is filled once from a fixed-seed generator and copied before every call
 * (sgesvd overwrites it); the copy is outside the timed region. One untimed warm-up call.
 */
#include <lapacke.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s M N REPEATS\n", argv[0]);
        return 2;
    }
    int m = atoi(argv[1]), n = atoi(argv[2]), reps = atoi(argv[3]);
    if (m < 1 || n < 1 || reps < 1) {
        fprintf(stderr, "M, N and REPEATS must be positive, got %s %s %s\n", argv[1], argv[2], argv[3]);
        return 2;
    }
    int k = m < n ? m : n;
    size_t mn = (size_t) m * n;
    float *a0 = malloc(mn * sizeof(float)), *a = malloc(mn * sizeof(float));
    float *s = malloc(k * sizeof(float)), *u = malloc((size_t) m * k * sizeof(float));
    float *vt = malloc((size_t) k * n * sizeof(float)), *superb = malloc(k * sizeof(float));
    double *t = malloc(reps * sizeof(double));
    if (!a0 || !a || !s || !u || !vt || !superb || !t) {
        fprintf(stderr, "out of memory\n");
        return 1;
    }
    /* Uniform in [-1, 1) from a 64-bit LCG: the spectrum, not the exact values, drives the cost. */
    unsigned long long x = 42;
    for (size_t i = 0; i < mn; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        a0[i] = (float) ((double) (x >> 11) / 9007199254740992.0 * 2 - 1);
    }
    for (int r = -1; r < reps; r++) {
        memcpy(a, a0, mn * sizeof(float));
        double t0 = now();
        int info = LAPACKE_sgesvd(LAPACK_ROW_MAJOR, 'S', 'S', m, n, a, n, s, u, k, vt, n, superb);
        double t1 = now();
        if (info != 0) {
            fprintf(stderr, "sgesvd failed: info = %d\n", info);
            return 1;
        }
        if (r >= 0) t[r] = t1 - t0;
    }
    qsort(t, reps, sizeof(double), cmp);
    double med = reps % 2 ? t[reps / 2] : 0.5 * (t[reps / 2 - 1] + t[reps / 2]);
    printf("sgesvd %dx%d %.3f %.3f %.3f %d s0=%.6g\n", m, n, med * 1e3, t[0] * 1e3, t[reps - 1] * 1e3, reps, s[0]);
    free(a0); free(a); free(s); free(u); free(vt); free(superb); free(t);
    return 0;
}
