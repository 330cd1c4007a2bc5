/**
 * The kernel set the native engine's passes call: the WebAssembly SIMD kernels (`assembly/`) or their
 * plain-JavaScript twins below, with the same signatures. Pointers are byte offsets into one heap
 * (the wasm memory, or an `ArrayBuffer` for the JS kernels); leading dimensions are in elements.
 * The JS kernels compute in float64 and round once per stored value, so they agree with the SIMD
 * kernels up to float32 rounding.
 */
import { writeNoise } from '../noise.js';
import type { KernelExports } from './wasm.js';

/** Activation codes shared with `assembly/elementwise.ts`. */
export const ACTIVATION_CODES = { softplus: 0, relu: 1, tanh: 2 } as const;
/** exp(−|x|) below this is taken as 0 by the hidden activations (2^-40; see `FLUSH_BELOW` in assembly/math.ts). */
export const FLUSH_BELOW = 2 ** -40;
/** Output nonlinearity codes shared with `assembly/elementwise.ts`. */
export const OUTPUT_CODES = { sigmoid: 0, linear: 1 } as const;

/** The kernel signatures (see `assembly/*.ts` for their contracts). */
export type Kernels = Omit<KernelExports, 'heapBase'>;

/** Plain-JavaScript kernels over `heap` (used when WebAssembly SIMD is unavailable, or by option). */
export function createJsKernels(heap: () => ArrayBuffer): Kernels {
  let buffer: ArrayBuffer | undefined;
  let f32 = new Float32Array(0);
  let f64 = new Float64Array(0);
  /** Refreshes the views when the heap was replaced (it grows by copying). */
  const views = () => {
    const current = heap();
    if (current !== buffer) {
      buffer = current;
      f32 = new Float32Array(current);
      f64 = new Float64Array(current);
    }
  };
  // The hidden softplus, its derivative and the readout sigmoid take exp(−|x|) < 2^-40 as 0, as the SIMD
  // kernels do
  // (`FLUSH_BELOW` in assembly/math.ts: no subnormal floats from silent units).
  const flushedExp = (x: number) => {
    const e = Math.exp(-Math.abs(x));
    return e < FLUSH_BELOW ? 0 : e;
  };
  const phi = [
    (x: number) => Math.max(x, 0) + Math.log1p(flushedExp(x)),
    (x: number) => Math.max(x, 0),
    (x: number) => Math.tanh(x),
  ];
  const flushedSigmoid = (x: number) => {
    const e = flushedExp(x);
    return x >= 0 ? 1 / (1 + e) : e / (1 + e);
  };
  const phiDerivative = [
    (x: number) => flushedSigmoid(x),
    (x: number) => (x > 0 ? 1 : 0),
    (_x: number, value: number) => 1 - value * value,
  ];

  return {
    gemmNT(M, N, K, a, lda, b, ldb, c, ldc, accumulate) {
      views();
      const A = a >> 2;
      const B = b >> 2;
      const C = c >> 2;
      for (let m = 0; m < M; m++) {
        for (let n = 0; n < N; n++) {
          let s = 0;
          const rowA = A + m * lda;
          const rowB = B + n * ldb;
          for (let k = 0; k < K; k++) s += f32[rowA + k] * f32[rowB + k];
          const out = C + m * ldc + n;
          f32[out] = accumulate ? f32[out] + s : s;
        }
      }
    },
    activate(rows, cols, pre, hPrev, mask, deriv, kind, alpha) {
      views();
      const f = phi[kind];
      const df = phiDerivative[kind];
      const a = Math.fround(alpha);
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) {
          const i = r * cols + c;
          const p = f32[(pre >> 2) + i];
          const value = Math.fround(f(p));
          f32[(pre >> 2) + i] = f32[(mask >> 2) + c] * ((1 - a) * f32[(hPrev >> 2) + i] + a * value);
          if (deriv !== 0) f32[(deriv >> 2) + i] = a * df(p, value);
        }
      }
    },
    readout(rows, cols, z, target, mask, kind, lossScale, dz, rowLoss) {
      views();
      for (let r = 0; r < rows; r++) {
        let loss = 0;
        for (let c = 0; c < cols; c++) {
          const i = r * cols + c;
          const y = Math.fround(kind === OUTPUT_CODES.sigmoid ? flushedSigmoid(f32[(z >> 2) + i]) : f32[(z >> 2) + i]);
          f32[(z >> 2) + i] = y;
          const m = f32[(mask >> 2) + i];
          const e = (y - f32[(target >> 2) + i]) * m;
          loss += e * e;
          if (dz !== 0) f32[(dz >> 2) + i] = lossScale * e * m * (kind === OUTPUT_CODES.sigmoid ? y * (1 - y) : 1);
        }
        f64[(rowLoss >> 3) + r] = loss;
      }
    },
    backwardStep(rows, cols, g, mask, deriv, dpre, alpha) {
      views();
      const keep = 1 - Math.fround(alpha);
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) {
          const i = r * cols + c;
          const u = f32[(g >> 2) + i] * f32[(mask >> 2) + c];
          f32[(dpre >> 2) + i] = u * f32[(deriv >> 2) + i];
          f32[(g >> 2) + i] = keep * u;
        }
      }
    },
    fillRows(rows, cols, dst, ld, src) {
      views();
      for (let r = 0; r < rows; r++) f32.copyWithin((dst >> 2) + r * ld, src >> 2, (src >> 2) + cols);
    },
    transpose(rows, cols, src, lds, dst, ldd) {
      views();
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) f32[(dst >> 2) + c * ldd + r] = f32[(src >> 2) + r * lds + c];
      }
    },
    rowSums(rows, cols, src, ld, dst, accumulate) {
      views();
      for (let r = 0; r < rows; r++) {
        let s = 0;
        for (let c = 0; c < cols; c++) s += f32[(src >> 2) + r * ld + c];
        f32[(dst >> 2) + r] = accumulate ? f32[(dst >> 2) + r] + s : s;
      }
    },
    sumSquares(x, count) {
      views();
      let s = 0;
      for (let i = 0; i < count; i++) s += f32[(x >> 2) + i] ** 2;
      return s;
    },
    scale(x, count, factor) {
      views();
      for (let i = 0; i < count; i++) f32[(x >> 2) + i] *= factor;
    },
    clipValue(x, count, limit) {
      views();
      for (let i = 0; i < count; i++) f32[(x >> 2) + i] = Math.min(Math.max(f32[(x >> 2) + i], -limit), limit);
    },
    addInto(dst, src, count) {
      views();
      for (let i = 0; i < count; i++) f32[(dst >> 2) + i] += f32[(src >> 2) + i];
    },
    adam(count, param, grad, m, v, lrT, beta1, beta2, epsilon) {
      views();
      for (let i = 0; i < count; i++) {
        const g = f32[(grad >> 2) + i];
        const mi = Math.fround(beta1 * f32[(m >> 2) + i] + (1 - beta1) * g);
        const vi = Math.fround(beta2 * f32[(v >> 2) + i] + (1 - beta2) * g * g);
        f32[(m >> 2) + i] = mi;
        f32[(v >> 2) + i] = vi;
        f32[(param >> 2) + i] -= (lrT * mi) / (Math.sqrt(vi) + epsilon);
      }
    },
    noise(_tables, key0, key1, startLow, startHigh, count, out, scale, accumulate) {
      views();
      writeNoise(key0, key1, startLow, startHigh, f32, out >> 2, count, scale, accumulate !== 0);
    },
  };
}
