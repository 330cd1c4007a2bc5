/**
 * Synthetic samples with a known answer for the latent-extraction tests.
 */
import { createRng } from '@molap/tasks';
import { inverse, Matrix, QrDecomposition } from 'ml-matrix';
import type { LatentSample } from '../src/index.js';

/** A seeded stream of standard normal numbers, from the molap generator. */
export function normalStream(seed: number): () => number {
  const rng = createRng(seed);
  return () => rng.normal();
}

/** A random orthogonal [d, d] matrix (Q of the QR decomposition of a Gaussian matrix), row-major. */
function randomOrthogonal(normal: () => number, d: number): Float64Array {
  const gaussian = Matrix.from1DArray(d, d, Float64Array.from({ length: d * d }, normal));
  return Float64Array.from(new QrDecomposition(gaussian).orthogonalMatrix.to1DArray());
}

/**
 * A random invertible [d, d] mixing Q1 · diag(s) · Q2 with Q1, Q2 random orthogonal and singular values s
 * log-uniform in [1/spread, spread] (condition number ≤ spread²).
 */
export function randomMixing(normal: () => number, d: number, spread: number): Float64Array {
  const left = randomOrthogonal(normal, d);
  const right = randomOrthogonal(normal, d);
  for (let i = 0; i < d; i++) {
    const scale = spread ** (2 * ((i + 0.5) / d) - 1);
    for (let j = 0; j < d; j++) left[j * d + i] *= scale;
  }
  return matmul(left, right, d, d, d);
}

/** Row-major [n, p] times [p, q]. */
export function matmul(a: ArrayLike<number>, b: ArrayLike<number>, n: number, p: number, q: number): Float64Array {
  const out = new Float64Array(n * q);
  for (let i = 0; i < n; i++) {
    for (let l = 0; l < p; l++) {
      const ail = a[i * p + l];
      for (let j = 0; j < q; j++) out[i * q + j] += ail * b[l * q + j];
    }
  }
  return out;
}

/** Pearson correlation of columns `a` of A [n, da] and `b` of B [n, db]. */
export function columnCorrelation(
  A: ArrayLike<number>,
  da: number,
  a: number,
  B: ArrayLike<number>,
  db: number,
  b: number,
): number {
  const n = A.length / da;
  let ma = 0;
  let mb = 0;
  for (let t = 0; t < n; t++) {
    ma += A[t * da + a];
    mb += B[t * db + b];
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let t = 0; t < n; t++) {
    const x = A[t * da + a] - ma;
    const y = B[t * db + b] - mb;
    sab += x * y;
    saa += x * x;
    sbb += y * y;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** A planted CCA problem and its answer. */
export interface PlantedCca {
  readonly sample: LatentSample;
  /** [n, dim] true latent variates: u (X side) and v (Y side); pair i has correlation rho[i]. */
  readonly u: Float64Array;
  readonly v: Float64Array;
  /** [dim, dim] row i is the true (unnormalised) direction a_i with u_i = a_iᵀ x; same for b_i. */
  readonly xDirections: Float64Array;
  readonly yDirections: Float64Array;
}

/**
 * Latent pairs u_i, v_i = ρ_i u_i + √(1−ρ_i²) w_i for the given ρ (then uncorrelated pairs up to `dim`),
 * mixed into X = u Mx and Y = v My by random invertible [dim, dim] matrices (`randomMixing`, condition ≤ spread²). The canonical correlations of
 * (X, Y) are exactly ρ (and 0), and the canonical directions are the columns of Mx⁻¹ and My⁻¹.
 */
export function plantedCca(rho: readonly number[], dim: number, n: number, seed: number, spread = 2): PlantedCca {
  const normal = normalStream(seed);
  const u = new Float64Array(n * dim);
  const v = new Float64Array(n * dim);
  for (let t = 0; t < n; t++) {
    for (let i = 0; i < dim; i++) {
      const r = rho[i] ?? 0;
      const z = normal();
      u[t * dim + i] = z;
      v[t * dim + i] = r * z + Math.sqrt(1 - r * r) * normal();
    }
  }
  const mixX = randomMixing(normal, dim, spread);
  const mixY = randomMixing(normal, dim, spread);
  const directions = (mix: Float64Array) =>
    Float64Array.from(
      inverse(Matrix.from1DArray(dim, dim, mix))
        .transpose()
        .to1DArray(),
    );
  return {
    sample: {
      X: Float64Array.from(matmul(u, mixX, n, dim, dim)),
      Y: Float64Array.from(matmul(v, mixY, n, dim, dim)),
      n,
      xDim: dim,
      yDim: dim,
    },
    u,
    v,
    xDirections: directions(mixX),
    yDirections: directions(mixY),
  };
}
