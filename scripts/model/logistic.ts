/**
 * L2-regularised logistic regression fitted by Newton's method (iteratively reweighted least squares):
 * deterministic (no random start, no learning rate), so the same examples give the same weights to the bit.
 */
export interface Example {
  /** Sparse features: index -> value. */
  features: ReadonlyArray<readonly [number, number]>;
  label: 0 | 1;
  weight: number;
}

export interface FitOptions {
  /** L2 penalty on every weight but the intercept. */
  l2: number;
  iterations?: number;
}

/** Returns [intercept, w1, ..., wn] for `dimension` features. */
export function fitLogistic(examples: readonly Example[], dimension: number, options: FitOptions): number[] {
  const size = dimension + 1;
  const weights = new Array<number>(size).fill(0);
  const iterations = options.iterations ?? 50;
  for (let iteration = 0; iteration < iterations; iteration++) {
    const gradient = new Array<number>(size).fill(0);
    const hessian = Array.from({ length: size }, () => new Float64Array(size));
    for (const example of examples) {
      const row: Array<[number, number]> = [
        [0, 1],
        ...example.features.map(([i, v]) => [i + 1, v] as [number, number]),
      ];
      let z = 0;
      for (const [i, v] of row) z += weights[i]! * v;
      const p = sigmoid(z);
      const error = (p - example.label) * example.weight;
      const curvature = Math.max(p * (1 - p), 1e-9) * example.weight;
      for (const [i, vi] of row) {
        gradient[i]! += error * vi;
        const line = hessian[i]!;
        for (const [j, vj] of row) line[j]! += curvature * vi * vj;
      }
    }
    for (let i = 1; i < size; i++) {
      gradient[i]! += options.l2 * weights[i]!;
      hessian[i]![i]! += options.l2;
    }
    hessian[0]![0]! += 1e-6;
    const step = solve(hessian, gradient);
    let largest = 0;
    for (let i = 0; i < size; i++) {
      weights[i]! -= step[i]!;
      largest = Math.max(largest, Math.abs(step[i]!));
    }
    if (largest < 1e-9) break;
  }
  return weights;
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Solves A x = b for a symmetric positive definite A (Cholesky), without changing A or b. */
function solve(matrix: Float64Array[], vector: number[]): number[] {
  const n = vector.length;
  const lower = Array.from({ length: n }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = matrix[i]![j]!;
      for (let k = 0; k < j; k++) sum -= lower[i]![k]! * lower[j]![k]!;
      if (i === j) lower[i]![i] = Math.sqrt(Math.max(sum, 1e-12));
      else lower[i]![j] = sum / lower[j]![j]!;
    }
  }
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let sum = vector[i]!;
    for (let k = 0; k < i; k++) sum -= lower[i]![k]! * y[k]!;
    y[i] = sum / lower[i]![i]!;
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i]!;
    for (let k = i + 1; k < n; k++) sum -= lower[k]![i]! * x[k]!;
    x[i] = sum / lower[i]![i]!;
  }
  return x;
}
