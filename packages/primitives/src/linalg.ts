/**
 * The decompositions latent extraction needs, delegated to ml-matrix and returned as row-major float64
 * arrays. Nothing here decomposes by hand.
 */
import { EVD, Matrix, inverse as mlInverse, pseudoInverse as mlPseudoInverse, SVD } from 'ml-matrix';

/** Eigen-decomposition of a symmetric matrix, eigenvalues in descending order. */
export interface SymmetricEigen {
  /** [d] eigenvalues, descending. */
  readonly values: Float64Array;
  /** [d, d] row i is the unit eigenvector of `values[i]`. */
  readonly vectors: Float64Array;
}

/** Singular value decomposition M = U diag(s) Vᵀ of a [rows, cols] matrix, r = min(rows, cols). */
export interface SingularDecomposition {
  /** [r] singular values, descending. */
  readonly values: Float64Array;
  /** [r, rows] row i is the left singular vector u_i. */
  readonly left: Float64Array;
  /** [r, cols] row i is the right singular vector v_i. */
  readonly right: Float64Array;
}

function toMatrix(data: Float64Array, rows: number, cols: number): Matrix {
  return Matrix.from1DArray(rows, cols, data);
}

/** Columns `0..count` of `matrix`, as the rows of a row-major [count, matrix.rows] array, in `order`. */
function columnsAsRows(matrix: Matrix, order: readonly number[]): Float64Array {
  const out = new Float64Array(order.length * matrix.rows);
  order.forEach((column, i) => {
    for (let r = 0; r < matrix.rows; r++) out[i * matrix.rows + r] = matrix.get(r, column);
  });
  return out;
}

/** Eigen-decomposition of the symmetric [d, d] matrix `data`. */
export function symmetricEigen(data: Float64Array, d: number): SymmetricEigen {
  const evd = new EVD(toMatrix(data, d, d), { assumeSymmetric: true });
  const raw = evd.realEigenvalues;
  const order = raw.map((_, i) => i).sort((a, b) => raw[b] - raw[a] || a - b);
  return {
    values: Float64Array.from(order, (i) => raw[i]),
    vectors: columnsAsRows(evd.eigenvectorMatrix, order),
  };
}

/** Singular value decomposition of the [rows, cols] matrix `data`. */
export function singularDecomposition(data: Float64Array, rows: number, cols: number): SingularDecomposition {
  const svd = new SVD(toMatrix(data, rows, cols), { autoTranspose: true });
  const r = Math.min(rows, cols);
  const raw = svd.diagonal.slice(0, r);
  const order = raw.map((_, i) => i).sort((a, b) => raw[b] - raw[a] || a - b);
  return {
    values: Float64Array.from(order, (i) => raw[i]),
    left: columnsAsRows(svd.leftSingularVectors, order),
    right: columnsAsRows(svd.rightSingularVectors, order),
  };
}

/**
 * (S)^{-1/2} = Q diag(λ^{-1/2}) Qᵀ of a symmetric positive definite [d, d] matrix given by its eigen-
 * decomposition. The caller guarantees every eigenvalue is positive.
 */
export function inverseSquareRoot(eigen: SymmetricEigen, d: number): Float64Array {
  const out = new Float64Array(d * d);
  for (let e = 0; e < d; e++) {
    const weight = 1 / Math.sqrt(eigen.values[e]);
    const base = e * d;
    for (let i = 0; i < d; i++) {
      const qi = eigen.vectors[base + i] * weight;
      for (let j = 0; j < d; j++) out[i * d + j] += qi * eigen.vectors[base + j];
    }
  }
  return out;
}

/** Product of row-major [m, p] and [p, q] matrices, as [m, q]. */
export function multiply(a: Float64Array, b: Float64Array, m: number, p: number, q: number): Float64Array {
  return Float64Array.from(
    toMatrix(a, m, p)
      .mmul(toMatrix(b, p, q))
      .to1DArray(),
  );
}

/** Moore–Penrose pseudo-inverse of a row-major [rows, cols] matrix, as [cols, rows]. */
export function pseudoInverse(data: Float64Array, rows: number, cols: number): Float64Array {
  return Float64Array.from(mlPseudoInverse(toMatrix(data, rows, cols)).to1DArray());
}

/** Inverse of a non-singular row-major [d, d] matrix. */
export function inverse(data: Float64Array, d: number): Float64Array {
  return Float64Array.from(mlInverse(toMatrix(data, d, d)).to1DArray());
}

/** Transpose of a row-major [rows, cols] matrix, as [cols, rows]. */
export function transpose(data: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c];
  return out;
}

/** Quadratic form vᵀ S v of a [d, d] matrix. */
export function quadraticForm(matrix: Float64Array, v: Float64Array, d: number, offset = 0): number {
  let sum = 0;
  for (let i = 0; i < d; i++) {
    let row = 0;
    for (let j = 0; j < d; j++) row += matrix[i * d + j] * v[offset + j];
    sum += v[offset + i] * row;
  }
  return sum;
}
