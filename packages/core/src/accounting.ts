/**
 * Parameter accounting of leaky RNNs: how many parameters a network stores, how many of them are trained,
 * and what that costs in parameter updates and bytes. Structural zeros (the off-block entries of a modular
 * W_rec) are not parameters and are not counted.
 */
import { PARAMETER_NAMES, type ParameterName, type RnnConfig, type TrainableFlags } from '@molap/backend';

/** Bytes per stored parameter (float32). */
export const BYTES_PER_PARAMETER = 4;

/** Parameters of one network. */
export interface RnnParameterCount {
  /** Every parameter the network stores (modular W_rec: only the diagonal blocks). */
  readonly total: number;
  /** Parameters whose flag in `trainable` is true. */
  readonly trainable: number;
  /** Parameters per tensor. */
  readonly byName: Readonly<Record<ParameterName, number>>;
}

/**
 * Counts the parameters of a leaky RNN: W_in N·nIn, W_rec Σ m_k² (N² without modules), b_rec N,
 * W_out nOut·N, b_out nOut.
 * @param trainable which tensors are trained; default every one.
 */
export function countRnnParameters(config: RnnConfig, trainable: Partial<TrainableFlags> = {}): RnnParameterCount {
  const { inputSize: nIn, hiddenSize: n, outputSize: nOut } = config;
  const blocks = config.modules ?? [n];
  const byName: Record<ParameterName, number> = {
    inputWeights: n * nIn,
    recurrentWeights: blocks.reduce((sum, size) => sum + size * size, 0),
    recurrentBias: n,
    outputWeights: nOut * n,
    outputBias: nOut,
  };
  let total = 0;
  let trained = 0;
  for (const name of PARAMETER_NAMES) {
    total += byName[name];
    if (trainable[name] ?? true) trained += byName[name];
  }
  return { total, trainable: trained, byName };
}

/** Parameter updates of a run: trainable parameters × optimiser steps (every step updates each one). */
export function parameterUpdates(trainableParameters: number, steps: number): number {
  return trainableParameters * steps;
}

/** Bytes of float32 storage for `parameters` parameters. */
export function parameterBytes(parameters: number): number {
  return parameters * BYTES_PER_PARAMETER;
}
