// Adam (Kingma & Ba, arXiv 1412.6980, Algorithm 1) with PyTorch's defaults (β1 0.9, β2 0.999,
// ε 1e-8, no weight decay), one instance per optimised vector, state in float64.

export class AdamVector {
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private t = 0;

  constructor(
    readonly size: number,
    private readonly lr: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly eps = 1e-8,
  ) {
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
  }

  /** One step on `param` (in place) with gradient `grad`. */
  step(param: Float32Array, grad: ArrayLike<number>): void {
    this.t++;
    const c1 = 1 - this.beta1 ** this.t;
    const c2 = Math.sqrt(1 - this.beta2 ** this.t);
    for (let i = 0; i < this.size; i++) {
      this.m[i] = this.beta1 * this.m[i] + (1 - this.beta1) * grad[i];
      this.v[i] = this.beta2 * this.v[i] + (1 - this.beta2) * grad[i] * grad[i];
      // PyTorch: p −= (lr / c1) · m / (√v / c2 + ε)
      param[i] -= ((this.lr / c1) * this.m[i]) / (Math.sqrt(this.v[i]) / c2 + this.eps);
    }
  }
}
