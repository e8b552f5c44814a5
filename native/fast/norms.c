/* LayerNorm (Ba et al. 2016) and RMSNorm (Zhang & Sennrich 2019) over rows of C values, forward
 * saving mean/rstd, backward accumulating (+=) into dinp and, when non-NULL, dweight/dbias:
 *   LayerNorm: y = (x − μ)·r·w + b, r = 1/√(var + eps);
 *     dx = r·(g − mean(g) − x̂·mean(g·x̂)), g = dy·w, x̂ = (x − μ)·r
 *   RMSNorm:   y = x·r·w, r = 1/√(mean(x²) + eps);  dx = r·g − r³·x·mean(g·x)
 * Row statistics accumulate in double; the elementwise passes vectorise under -ffast-math. */
#include "norms.h"
#include <math.h>

void layer_norm_rows(float *out, float *mean, float *rstd, const float *inp, const float *weight, const float *bias,
                     int64_t N, int64_t C, float eps) {
  for (int64_t n = 0; n < N; n++) {
    const float *x = inp + n * C;
    float *y = out + n * C;
    double sum = 0.0;
    for (int64_t c = 0; c < C; c++) sum += x[c];
    const float m = (float)(sum / (double)C);
    double var = 0.0;
    for (int64_t c = 0; c < C; c++) {
      const double d = (double)x[c] - m;
      var += d * d;
    }
    const float s = (float)(1.0 / sqrt(var / (double)C + eps));
    for (int64_t c = 0; c < C; c++) y[c] = (x[c] - m) * s * weight[c] + bias[c];
    mean[n] = m;
    rstd[n] = s;
  }
}

void layer_norm_backward_rows(float *dinp, float *dweight, float *dbias, const float *dout, const float *inp,
                              const float *weight, const float *mean, const float *rstd, int64_t N, int64_t C) {
  for (int64_t n = 0; n < N; n++) {
    const float *x = inp + n * C, *dy = dout + n * C;
    float *dx = dinp + n * C;
    const float m = mean[n], s = rstd[n];
    double gmean = 0.0, gxmean = 0.0;
    for (int64_t c = 0; c < C; c++) {
      const float g = dy[c] * weight[c];
      gmean += g;
      gxmean += g * (x[c] - m) * s;
    }
    const float gm = (float)(gmean / (double)C), gxm = (float)(gxmean / (double)C);
    for (int64_t c = 0; c < C; c++) {
      const float xhat = (x[c] - m) * s;
      dx[c] += (dy[c] * weight[c] - gm - xhat * gxm) * s;
    }
    if (dweight)
      for (int64_t c = 0; c < C; c++) dweight[c] += (x[c] - m) * s * dy[c];
    if (dbias)
      for (int64_t c = 0; c < C; c++) dbias[c] += dy[c];
  }
}

void rms_norm_rows(float *out, float *rstd, const float *inp, const float *weight, int64_t N, int64_t C, float eps) {
  for (int64_t n = 0; n < N; n++) {
    const float *x = inp + n * C;
    float *y = out + n * C;
    double sq = 0.0;
    for (int64_t c = 0; c < C; c++) sq += (double)x[c] * x[c];
    const float s = (float)(1.0 / sqrt(sq / (double)C + eps));
    for (int64_t c = 0; c < C; c++) y[c] = x[c] * s * weight[c];
    rstd[n] = s;
  }
}

void rms_norm_backward_rows(float *dinp, float *dweight, const float *dout, const float *inp, const float *weight,
                            const float *rstd, int64_t N, int64_t C) {
  for (int64_t n = 0; n < N; n++) {
    const float *x = inp + n * C, *dy = dout + n * C;
    float *dx = dinp + n * C;
    const float s = rstd[n];
    double gx = 0.0;
    for (int64_t c = 0; c < C; c++) gx += (double)dy[c] * weight[c] * x[c];
    const float k = (float)((double)s * s * s * gx / (double)C);
    for (int64_t c = 0; c < C; c++) dx[c] += dy[c] * weight[c] * s - k * x[c];
    if (dweight)
      for (int64_t c = 0; c < C; c++) dweight[c] += dy[c] * x[c] * s;
  }
}
