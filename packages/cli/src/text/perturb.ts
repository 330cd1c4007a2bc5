/** What `molap perturb` prints: per perturbation the mean AUC and the mean performance at each magnitude. */
import type { PerturbationCurves } from '@molap/analysis';
import { formatNumber, formatTable } from '../output.js';

const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

/**
 * The curves as a table, means over the tasks: normalised AUC, and `magnitude: performance` at each magnitude
 * (a skipped perturbation shows why). `taskCount` and `trials` (per task) go into the heading.
 */
export function formatPerturbationCurves(
  curves: readonly PerturbationCurves[],
  taskCount: number,
  trials: number,
): string {
  const rows = curves.map((curve) =>
    curve.skipped
      ? [curve.id, '–', curve.skipped]
      : [
          curve.id,
          mean(curve.tasks.map((task) => task.auc)).toFixed(3),
          curve.magnitudes
            .map(
              (magnitude, i) =>
                `${formatNumber(magnitude)}: ${mean(curve.tasks.map((task) => task.performance[i])).toFixed(2)}`,
            )
            .join('  '),
        ],
  );
  return `mean performance over ${taskCount} tasks (${trials} trials each) at each magnitude\n${formatTable(['perturbation', 'AUC', 'magnitude: performance'], rows)}`;
}
