/**
 * The strategy registry: strategies by name. Created explicitly (`createStrategyRegistry`, or
 * `createBaselineRegistry` with the built-in baselines); nothing registers itself on import.
 */
import type { AnyStrategy } from './strategy.js';

/** Strategy names: lower-kebab, e.g. `multitask`, `random-modules`, or a scoped `lab/my-strategy`. */
export const STRATEGY_NAME_PATTERN = /^(?:[a-z0-9]+(?:-[a-z0-9]+)*\/)?[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** What went wrong in a registry call. */
export type StrategyRegistryErrorCode = 'duplicate-name' | 'unknown-name' | 'invalid-strategy';

/** Error of the strategy registry; `code` says what went wrong, the message says what to do. */
export class StrategyRegistryError extends Error {
  override readonly name = 'StrategyRegistryError';
  readonly code: StrategyRegistryErrorCode;
  constructor(message: string, code: StrategyRegistryErrorCode) {
    super(message);
    this.code = code;
  }
}

/** Strategies by name. */
export interface StrategyRegistry {
  /**
   * Adds a strategy after checking its shape.
   * @throws StrategyRegistryError `duplicate-name` when the name is taken, `invalid-strategy` when a field is
   *   missing or malformed.
   * @returns the registry, for chaining.
   */
  register(strategy: AnyStrategy): StrategyRegistry;
  /** @throws StrategyRegistryError `unknown-name`, listing the known names and how to register one. */
  get(name: string): AnyStrategy;
  has(name: string): boolean;
  /** Registered strategies, in registration order. */
  list(): AnyStrategy[];
  /** Registered names, in registration order. */
  names(): string[];
}

/** Problems with a strategy value (empty when it is well formed). */
export function validateStrategy(strategy: AnyStrategy): string[] {
  const problems: string[] = [];
  if (strategy === null || typeof strategy !== 'object') return ['a strategy must be an object'];
  if (typeof strategy.name !== 'string' || !STRATEGY_NAME_PATTERN.test(strategy.name)) {
    problems.push(`name must be lower-kebab (optionally scope/name), got ${JSON.stringify(strategy.name)}`);
  }
  const meta = strategy.meta;
  if (meta === null || typeof meta !== 'object') problems.push('meta must be an object');
  else {
    for (const field of ['displayName', 'paper', 'link', 'description'] as const) {
      if (typeof meta[field] !== 'string' || meta[field] === '')
        problems.push(`meta.${field} must be a non-empty string`);
    }
    if (!['independent', 'sequential', 'interleaved'].includes(meta.schedule)) {
      problems.push(
        `meta.schedule must be 'independent', 'sequential' or 'interleaved', got ${JSON.stringify(meta.schedule)}`,
      );
    }
  }
  if (strategy.defaults === null || typeof strategy.defaults !== 'object') problems.push('defaults must be an object');
  if (typeof strategy.create !== 'function') problems.push('create(context, options) must be a function');
  if (typeof strategy.load !== 'function') problems.push('load(dir, context) must be a function');
  return problems;
}

/** Creates an empty strategy registry, or one holding `strategies` (registered in order). */
export function createStrategyRegistry(strategies: readonly AnyStrategy[] = []): StrategyRegistry {
  const entries = new Map<string, AnyStrategy>();
  const registry: StrategyRegistry = {
    register(strategy) {
      const problems = validateStrategy(strategy);
      if (problems.length > 0) {
        const name = typeof strategy?.name === 'string' ? ` '${strategy.name}'` : '';
        throw new StrategyRegistryError(`invalid strategy${name}: ${problems.join('; ')}`, 'invalid-strategy');
      }
      if (entries.has(strategy.name)) {
        throw new StrategyRegistryError(
          `duplicate strategy name '${strategy.name}': a strategy of that name is already registered; give yours another name (e.g. 'lab/${strategy.name.replace(/^.*\//, '')}')`,
          'duplicate-name',
        );
      }
      entries.set(strategy.name, strategy);
      return registry;
    },
    get(name) {
      const strategy = entries.get(name);
      if (strategy) return strategy;
      const known = [...entries.keys()];
      throw new StrategyRegistryError(
        `unknown strategy '${String(name)}'. ${known.length === 0 ? 'The registry is empty.' : `Known strategies: ${known.join(', ')}.`} Register one with registry.register(strategy), or start from createBaselineRegistry().`,
        'unknown-name',
      );
    },
    has: (name) => entries.has(name),
    list: () => [...entries.values()],
    names: () => [...entries.keys()],
  };
  for (const strategy of strategies) registry.register(strategy);
  return registry;
}
