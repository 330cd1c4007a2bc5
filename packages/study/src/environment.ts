/**
 * The environment variables a study reads (through `createEngine` of @molap/backend), checked before any
 * work so that a wrong value is a usage error (exit 2) naming the variable, not a failure halfway.
 */
import { MolapError } from '@molap/core';
import { ENGINE_KINDS, TFJS_BACKENDS } from './config.js';

/** The engine variables and their allowed values. */
const VARIABLES: readonly (readonly [string, readonly string[]])[] = [
  ['MOLAP_ENGINE', ENGINE_KINDS],
  ['MOLAP_TFJS_BACKEND', TFJS_BACKENDS],
];

/**
 * Throws 'invalid-option' (bad input) for an engine variable of `env` whose value is not allowed.
 * @param env default `process.env`.
 */
export function checkEngineEnvironment(env: Readonly<Record<string, string | undefined>> = process.env): void {
  for (const [name, allowed] of VARIABLES) {
    const raw = env[name]?.trim();
    if (raw && !allowed.includes(raw.toLowerCase())) {
      throw new MolapError(
        'invalid-option',
        `environment variable ${name}="${raw}" must be one of ${allowed.join(', ')}`,
        {
          hint: `unset it (unset ${name}) or set it to one of ${allowed.join(', ')}`,
        },
      );
    }
  }
}
