/* model.c - the tuner's cost model: ridge regression of log(seconds) on a
 * candidate's features (features.c), learned online from every measurement
 * (X'X and X'y accumulate; the weights are solved again, by Cholesky, when a
 * prediction follows new measurements). The search (search.c) measures only
 * the candidate it predicts fastest among a batch drawn at each step. */
#include "tune/tune_int.h"
#include <math.h>
#include <string.h>

#define RIDGE 0.5   /* pulls the weights of features seen little toward 0 */

void tune_model_learn(Model *m, const double *x, double seconds)
{
    double y = log(seconds > 1e-9 ? seconds : 1e-9);
    for (int i = 0; i < TUNE_NFEAT; i++) {
        m->xty[i] += x[i] * y;
        for (int j = 0; j < TUNE_NFEAT; j++) m->xtx[i][j] += x[i] * x[j];
    }
    m->n++;
    m->stale = true;
}

/* w = (X'X + RIDGE I)^-1 X'y by Cholesky; the matrix is positive definite */
static void solve(Model *m)
{
    enum { N = TUNE_NFEAT };
    double l[N][N];
    double z[N];
    memset(l, 0, sizeof l);
    for (int i = 0; i < N; i++)
        for (int j = 0; j <= i; j++) {
            double v = m->xtx[i][j] + (i == j ? RIDGE : 0);
            for (int k = 0; k < j; k++) v -= l[i][k] * l[j][k];
            l[i][j] = i == j ? sqrt(v > 1e-12 ? v : 1e-12) : v / l[j][j];
        }
    for (int i = 0; i < N; i++) {
        double v = m->xty[i];
        for (int k = 0; k < i; k++) v -= l[i][k] * z[k];
        z[i] = v / l[i][i];
    }
    for (int i = N - 1; i >= 0; i--) {
        double v = z[i];
        for (int k = i + 1; k < N; k++) v -= l[k][i] * m->w[k];
        m->w[i] = v / l[i][i];
    }
    m->stale = false;
}

double tune_model_predict(Model *m, const double *x)
{
    if (m->stale) solve(m);
    double y = 0;
    for (int i = 0; i < TUNE_NFEAT; i++) y += m->w[i] * x[i];
    return y;
}
