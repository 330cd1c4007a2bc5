/**
 * A human summary of a module bank: per module its latent's canonical correlation, its held-out fit, its
 * units and parameters; for the bank its kind, corpus and totals. `summarizeModuleBank` returns the data,
 * `describeModuleBank` formats it as text.
 */
import type { ModuleBank } from './bank.js';

/** One module in a bank summary. */
export interface ModuleSummary {
  readonly module: number;
  /** Canonical correlation (CCA) or variance fraction (PCA) of the module's latent; null for random banks. */
  readonly rho: number | null;
  /** Fit R² of the latent on held-out corpus trials; null for random banks. */
  readonly heldOutR2: number | null;
  readonly units: number;
  /** W_in m·nIn + W_rec m² + b_rec m + scalar readout m + 1. */
  readonly parameters: number;
  /** Optimiser steps of pre-training. */
  readonly steps: number;
  /** Mean loss of the last logged window; null when nothing was logged. */
  readonly finalLoss: number | null;
}

/** A bank summary (plain data). */
export interface BankSummary {
  readonly kind: ModuleBank['kind'];
  readonly k: number;
  readonly moduleSize: number;
  /** k·m. */
  readonly units: number;
  /** Parameters of all modules (structural zeros between modules not counted). */
  readonly parameters: number;
  /** 'cca', 'pca' or null (random bank). */
  readonly method: string | null;
  readonly corpus: readonly string[];
  readonly seed: number;
  readonly inputSize: number;
  readonly modules: readonly ModuleSummary[];
  /** Mean held-out R² over modules; null for random banks. */
  readonly meanHeldOutR2: number | null;
}

/** Parameters of one module: W_in, W_rec, b_rec and its scalar readout (weights and bias). */
export function moduleParameterCount(moduleSize: number, inputSize: number): number {
  return moduleSize * inputSize + moduleSize * moduleSize + moduleSize + moduleSize + 1;
}

/** The data of a bank summary. */
export function summarizeModuleBank(bank: ModuleBank): BankSummary {
  const perModule = moduleParameterCount(bank.moduleSize, bank.layout.inputSize);
  const modules = Array.from({ length: bank.k }, (_, i): ModuleSummary => {
    const log = bank.log[i];
    const last = log?.lossCurve[log.lossCurve.length - 1];
    return {
      module: i,
      rho: bank.primitives ? bank.primitives.rho[i] : null,
      heldOutR2: log?.heldOutR2 ?? null,
      units: bank.moduleSize,
      parameters: perModule,
      steps: log?.steps ?? 0,
      finalLoss: last ? last.loss : null,
    };
  });
  const fits = modules.map((m) => m.heldOutR2).filter((r): r is number => r !== null);
  return {
    kind: bank.kind,
    k: bank.k,
    moduleSize: bank.moduleSize,
    units: bank.k * bank.moduleSize,
    parameters: perModule * bank.k,
    method: bank.primitives?.method ?? null,
    corpus: bank.corpus?.taskIds ?? [],
    seed: bank.seed,
    inputSize: bank.layout.inputSize,
    modules,
    meanHeldOutR2: fits.length > 0 ? fits.reduce((a, b) => a + b, 0) / fits.length : null,
  };
}

const fixed = (value: number | null, digits = 3) =>
  value === null || Number.isNaN(value) ? '—' : value.toFixed(digits);

/** A text summary of a bank: one header and one line per module. */
export function describeModuleBank(bank: ModuleBank): string {
  const s = summarizeModuleBank(bank);
  const lines = [
    s.kind === 'pretrained'
      ? `module bank: ${s.k} modules × ${s.moduleSize} units, pre-trained on ${s.method?.toUpperCase()} latents of ${s.corpus.length} tasks (${s.corpus.join(', ')}), seed ${s.seed}`
      : `module bank: ${s.k} random (untrained) modules × ${s.moduleSize} units, seed ${s.seed}`,
    `  ${s.units} units, ${s.parameters} parameters (${s.modules[0]?.parameters ?? 0} per module, ${s.inputSize} inputs)` +
      (s.meanHeldOutR2 === null ? '' : `, mean held-out R² ${fixed(s.meanHeldOutR2)}`),
    '  module   ρ       held-out R²   steps   final loss',
    ...s.modules.map(
      (m) =>
        `  ${String(m.module).padStart(6)}   ${fixed(m.rho).padEnd(7)} ${fixed(m.heldOutR2).padEnd(13)} ${String(m.steps).padEnd(7)} ${m.finalLoss === null ? '—' : m.finalLoss.toExponential(2)}`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
