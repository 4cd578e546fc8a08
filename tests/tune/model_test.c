/* model_test.c - the tuner's cost model (tune/model.c) on data with a known
 * answer: times exp(w . x) for a fixed w over random features; after learning
 * 400 of them its predicted log times of 100 new candidates are within 0.05
 * of the truth, and it ranks the fastest of each batch of 16 first.
 * Built and run by tests/tune/group.sh (tune/model). */
#include "tune/tune_int.h"
#include <math.h>
#include <stdio.h>

static uint64_t rng = 42;

static void features(double *x)
{
    x[0] = 1;
    for (int i = 1; i < TUNE_NFEAT; i++) x[i] = (double)(tune_rand(&rng) % 1000) / 250.0 - 2.0;
}

static double truth(const double *x)
{
    double y = -6;      /* about a millisecond */
    for (int i = 1; i < TUNE_NFEAT; i++) y += x[i] * (i % 3 == 0 ? 0.3 : i % 3 == 1 ? -0.2 : 0.05);
    return y;
}

int main(void)
{
    static Model m;
    double x[TUNE_NFEAT], worst = 0;
    for (int k = 0; k < 400; k++) {
        features(x);
        tune_model_learn(&m, x, exp(truth(x)));
    }
    int misranked = 0;
    for (int b = 0; b < 100 / 16; b++) {
        double best_true = 1e30, best_pred = 1e30, pick_true = 0;
        for (int k = 0; k < 16; k++) {
            features(x);
            double t = truth(x), p = tune_model_predict(&m, x);
            worst = fmax(worst, fabs(p - t));
            best_true = fmin(best_true, t);
            if (p < best_pred) best_pred = p, pick_true = t;
        }
        misranked += pick_true != best_true;
    }
    printf("model: %d learned, worst log error %.4f, %d of 6 batches misranked\n", m.n, worst, misranked);
    return !(worst < 0.05 && misranked == 0);
}
