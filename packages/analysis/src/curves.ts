/**
 * Small numeric helpers over curves and samples: the normalised area under a curve, means that skip
 * missing values, and an element-wise mean of curves.
 */

import { InvalidValueError } from '@molap/core';

/**
 * Normalised area under a performance-vs-magnitude curve: the trapezoid rule over the magnitude grid,
 * divided by the grid's range (max − min), so a curve that stays at performance p has area p and the area
 * is in [0, 1] for performances in [0, 1]. A one-point grid has area equal to its single value.
 * @param magnitudes strictly increasing magnitudes.
 * @param values performance at each magnitude.
 */
export function normalisedAuc(magnitudes: readonly number[], values: readonly number[]): number {
  if (magnitudes.length !== values.length || magnitudes.length === 0) {
    throw new InvalidValueError(
      `normalisedAuc needs as many values as magnitudes (at least one), got ${values.length} and ${magnitudes.length}`,
    );
  }
  if (magnitudes.length === 1) return values[0];
  let area = 0;
  for (let i = 1; i < magnitudes.length; i++) {
    const width = magnitudes[i] - magnitudes[i - 1];
    if (!(width > 0)) {
      throw new InvalidValueError(
        `magnitudes must be strictly increasing, got ${magnitudes[i - 1]} then ${magnitudes[i]}`,
      );
    }
    area += (width * (values[i] + values[i - 1])) / 2;
  }
  return area / (magnitudes[magnitudes.length - 1] - magnitudes[0]);
}

/** Arithmetic mean; NaN for an empty list. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

/** Mean of the non-null values, or null when there are none. */
export function meanOrNull(values: readonly (number | null)[]): number | null {
  const present = values.filter((value): value is number => value !== null);
  return present.length === 0 ? null : mean(present);
}

/** Element-wise mean of equally long curves. */
export function meanCurve(curves: readonly (readonly number[])[]): number[] {
  if (curves.length === 0) return [];
  const length = curves[0].length;
  for (const curve of curves) {
    if (curve.length !== length)
      throw new InvalidValueError(`curves of different lengths: ${length} and ${curve.length}`);
  }
  return Array.from({ length }, (_, i) => mean(curves.map((curve) => curve[i])));
}

/**
 * Performance relative to the unperturbed performance, p(m) / p(0), of a curve whose first point is
 * magnitude 0; null when p(0) is below `floor` (a task not learned has no skill to lose, and a ratio
 * to a small p(0) is noise). Values above 1 (a perturbation that helps) are kept.
 * @param floor smallest p(0) for which the ratio is taken; must be > 0.
 */
export function relativeCurve(performance: readonly number[], floor: number): number[] | null {
  if (!(floor > 0)) throw new InvalidValueError(`the floor of relative curves must be > 0, got ${String(floor)}`);
  const unperturbed = performance[0];
  if (unperturbed === undefined || !(unperturbed >= floor)) return null;
  return performance.map((value) => value / unperturbed);
}

/**
 * Relative AUC: the normalised area (see `normalisedAuc`) under p(m) / p(0); 1 = no loss at any
 * magnitude, whatever p(0) was. Null when p(0) is below `floor` (see `relativeCurve`).
 */
export function relativeAuc(
  magnitudes: readonly number[],
  performance: readonly number[],
  floor: number,
): number | null {
  const curve = relativeCurve(performance, floor);
  return curve === null ? null : normalisedAuc(magnitudes, curve);
}
