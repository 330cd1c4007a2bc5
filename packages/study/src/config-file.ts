/**
 * The config of a study, from its file: `molap.config.json` (validated), then a preset named in it, then
 * values given on the side (the `molap` command's flags), each layer overriding the one before (objects merge
 * key by key, arrays and values are replaced), path-valued keys resolved. `checkConfig` checks a config a
 * program built itself; `planStudy` runs it first. Errors are usage errors (`MolapError` 'usage', bad input)
 * that name the file and key path, or the flag, and for an unknown key the closest known one.
 */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { isMolapError, MolapError, parseJsonText } from '@molap/core';
import { unknownNameProblem } from '@molap/tasks';
import { type MolapConfig, type MolapConfigFile, mergeLayers, molapConfigSchema, presetSchema } from './config.js';
import { issuesToError } from './config-issues.js';

/** Default file name of the config, looked up in the project folder. */
export const CONFIG_FILE_NAME = 'molap.config.json';

/** Config values that are file paths: relative to the config file's folder in the file, to the cwd in flags. */
const PATH_KEYS: readonly (readonly string[])[] = [
  ['compare', 'out'],
  ['run', 'out'],
];

/** A value given over the file (a flag of the `molap` command), and where it lands in the config. */
export interface ConfigFlagValue {
  readonly path: readonly string[];
  /** How messages name it: the flag as typed, e.g. `--seeds`. */
  readonly flag: string;
  readonly value: unknown;
}

/** Options of `loadConfig`. */
export interface LoadConfigOptions {
  /** Folder the default `molap.config.json` is looked up in. */
  readonly projectRoot: string;
  /** Folder relative paths on the command line are resolved against. */
  readonly cwd: string;
  /** A config file named explicitly (`--config`); it must exist. */
  readonly file?: string;
  /** Name of a preset of the config file (`--preset`). */
  readonly preset?: string;
  /** Values given as flags; they override the file and the preset (relative paths: against `cwd`). */
  readonly flags?: readonly ConfigFlagValue[];
  /**
   * Preset names the command defines itself (`molap run`'s quick, standard, paper): `--preset` accepts them
   * even when the file does not define them; a preset of the file with the same name still applies.
   */
  readonly builtinPresets?: readonly string[];
}

/** The config a command runs with, and where it came from. */
export interface LoadedConfig {
  readonly config: MolapConfig;
  /** Absolute path of the config file read, if any. */
  readonly file: string | undefined;
  /** The preset applied, if any. */
  readonly preset: string | undefined;
  /** Names of the presets the file defines. */
  readonly presets: readonly string[];
}

type Json = Record<string, unknown>;
const isRecord = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function getPath(data: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>((value, key) => (isRecord(value) ? value[key] : undefined), data);
}

function setPath(data: Json, path: readonly string[], value: unknown): void {
  let node = data;
  for (const key of path.slice(0, -1)) {
    if (!isRecord(node[key])) node[key] = {};
    node = node[key] as Json;
  }
  node[path[path.length - 1]] = value;
}

/** A layer with its path-valued keys made absolute (against `base`) and the budget shorthand expanded. */
function normaliseLayer(layer: unknown, base: string): Json {
  const copy = structuredClone(isRecord(layer) ? layer : {});
  for (const path of PATH_KEYS) {
    const value = getPath(copy, path);
    if (typeof value === 'string') setPath(copy, path, resolve(base, value));
  }
  for (const section of ['compare', 'run']) {
    const budget = getPath(copy, [section, 'budget']);
    if (typeof budget === 'string') setPath(copy, [section, 'budget'], { preset: budget });
  }
  return copy;
}

async function readConfigFile(file: string, label: string, explicit: boolean): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    const code = isRecord(cause) ? cause.code : undefined;
    if (!explicit && code === 'ENOENT') return undefined;
    throw new MolapError(
      'usage',
      `cannot read the config file ${label}: ${(cause as Error).message.split('\n', 1)[0]}`,
      {
        ...(code === 'ENOENT' ? { hint: 'check the path given to --config' } : {}),
        cause,
      },
    );
  }
  // A byte-order mark (editors on Windows write one) is skipped; a syntax error names the line and column.
  try {
    return parseJsonText(text, label);
  } catch (cause) {
    throw new MolapError('usage', isMolapError(cause) ? cause.problem : String(cause), {
      hint: 'fix the JSON syntax (no comments or trailing commas); `molap config schema` prints the schema',
      cause,
    });
  }
}

/**
 * Reads, validates and layers the config: file < preset < flags.
 * @throws MolapError 'usage' for an unreadable or malformed file, an unknown key (with the closest known key), a
 *   value of the wrong type, an unknown preset, or a flag value the schema rejects.
 */
export async function loadConfig(options: LoadConfigOptions): Promise<LoadedConfig> {
  const explicit = options.file !== undefined;
  const file = resolve(options.cwd, options.file ?? resolve(options.projectRoot, CONFIG_FILE_NAME));
  const label = relative(options.cwd, file) || file;
  const raw = await readConfigFile(file, isAbsolute(label) ? file : label, explicit);
  let parsed: MolapConfigFile = {};
  if (raw !== undefined) {
    const result = molapConfigSchema.safeParse(raw);
    if (!result.success) throw issuesToError(result.error.issues, molapConfigSchema, raw, () => label);
    parsed = result.data;
  }
  const presets = Object.keys(parsed.presets ?? {});
  const folder = dirname(file);
  const { presets: presetTable, $schema: _schema, ...base } = parsed;
  let layered: unknown = normaliseLayer(base, folder);
  if (options.preset !== undefined) {
    const preset = presetTable?.[options.preset];
    const builtin = options.builtinPresets ?? [];
    if (preset === undefined && !builtin.includes(options.preset)) {
      const known = [...builtin, ...presets.filter((name) => !builtin.includes(name))];
      throw new MolapError(
        'usage',
        `${unknownNameProblem('preset', options.preset, known)}${
          raw === undefined && builtin.length === 0 ? ` (no config file: ${label} does not exist)` : ''
        }`,
        {
          hint: [
            builtin.length > 0 ? `the built-in presets are ${builtin.join(', ')}` : '',
            presets.length > 0
              ? `the presets of ${label} are ${presets.join(', ')}`
              : `define presets in ${label}: "presets": { "${options.preset}": { ... } }`,
          ]
            .filter(Boolean)
            .join('; '),
        },
      );
    }
    if (preset !== undefined) layered = mergeLayers(layered, normaliseLayer(preset, folder));
  }
  const flagLayer: Json = {};
  for (const { path, value } of options.flags ?? []) setPath(flagLayer, path, value);
  layered = mergeLayers(layered, normaliseLayer(flagLayer, options.cwd));
  const result = presetSchema.safeParse(layered);
  if (!result.success) {
    const source = (path: readonly PropertyKey[]) => {
      const flag = (options.flags ?? []).find(({ path: flagPath }) => flagPath.every((key, i) => path[i] === key));
      return flag ? flag.flag : options.preset !== undefined ? `${label} (preset ${options.preset})` : label;
    };
    throw issuesToError(result.error.issues, presetSchema, layered, source);
  }
  return { config: result.data, file: raw === undefined ? undefined : file, preset: options.preset, presets };
}

/**
 * Checks a config a program built or read itself (the sections of `molap.config.json`, no `presets`) against
 * the schema, before any work: `planStudy` calls it on the config it is given.
 * @param source names the config in messages, e.g. its file; default 'the config'.
 * @returns the config, checked.
 * @throws MolapError 'usage' naming the key path and what is wrong; for an unknown key, the closest known one.
 */
export function checkConfig(config: unknown, source = 'the config'): MolapConfig {
  const result = presetSchema.safeParse(config);
  if (!result.success) throw issuesToError(result.error.issues, presetSchema, config, () => source);
  return config as MolapConfig;
}
