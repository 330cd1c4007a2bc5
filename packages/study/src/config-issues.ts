/**
 * Turns the config schema's issues into one clear line and a hint: where (file and key path, a flag, or the
 * config a program passed), what is wrong, and for an unknown key the closest known key ("did you mean").
 */
import { MolapError } from '@molap/core';
import { closestName } from '@molap/tasks';
import { type core, z } from 'zod';

type Issue = core.$ZodIssue;
type Path = readonly PropertyKey[];

/** `compare.seeds[0]`. */
function formatPath(path: Path): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else text += text === '' ? String(part) : `.${String(part)}`;
  }
  return text;
}

function valueAt(data: unknown, path: Path): unknown {
  let value = data;
  for (const part of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `an array (${JSON.stringify(value).slice(0, 40)})`;
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The object schemas a value at `path` may be checked against (unions give several). */
function schemasAt(schema: z.ZodType, path: Path): z.ZodType[] {
  let current: z.ZodType[] = [schema];
  const unwrap = (types: z.ZodType[]): z.ZodType[] =>
    types.flatMap((type) => {
      if (type instanceof z.ZodOptional) return unwrap([type.unwrap() as z.ZodType]);
      if (type instanceof z.ZodUnion) return unwrap([...type.options] as z.ZodType[]);
      return [type];
    });
  for (const part of path) {
    current = unwrap(current).flatMap((type) => {
      if (type instanceof z.ZodObject && typeof part === 'string' && part in type.shape) {
        return [type.shape[part] as z.ZodType];
      }
      if (type instanceof z.ZodArray && typeof part === 'number') return [type.element as z.ZodType];
      if (type instanceof z.ZodRecord && typeof part === 'string') return [type.valueType as z.ZodType];
      return [];
    });
  }
  return unwrap(current);
}

/** Keys an object at `path` may have. */
function knownKeys(schema: z.ZodType, path: Path): string[] {
  return [
    ...new Set(schemasAt(schema, path).flatMap((type) => (type instanceof z.ZodObject ? Object.keys(type.shape) : []))),
  ];
}

/** Picks the branch of a union issue that fits the value (the one not failing on the value's type). */
function unionBranch(issue: Issue & { code: 'invalid_union' }): Issue | undefined {
  const branches = issue.errors.filter((errors) => errors.length > 0);
  const fitting = branches.filter(
    (errors) => !errors.some((inner) => inner.path.length === 0 && inner.code === 'invalid_type'),
  );
  const chosen = fitting.length > 0 ? fitting : [];
  if (chosen.length === 0) return undefined;
  const inner = chosen[0][0];
  return { ...inner, path: [...issue.path, ...inner.path] } as Issue;
}

const expectedText: Record<string, string> = {
  int: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
  record: 'an object',
};

/** What the issue says is wrong, and a hint when there is one. */
function explain(issue: Issue, schema: z.ZodType, data: unknown): { path: Path; problem: string; hint?: string } {
  const value = valueAt(data, issue.path);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const key = issue.keys[0];
      const keys = knownKeys(schema, issue.path);
      const guess = closestName(key, keys);
      const where = formatPath([...issue.path, key]);
      return {
        path: [...issue.path, key],
        problem: `unknown key "${where}"${guess ? `. Did you mean "${guess}"?` : ''}`,
        hint:
          keys.length > 0
            ? `the keys of ${issue.path.length === 0 ? 'the config' : formatPath(issue.path)} are ${keys.join(', ')}`
            : undefined,
      };
    }
    case 'invalid_union': {
      const inner = unionBranch(issue);
      if (inner) return explain(inner, schema, data);
      return { path: issue.path, problem: `has the wrong type (${describeValue(value)})` };
    }
    case 'invalid_type': {
      const integer = schemasAt(schema, issue.path).some((type) => type instanceof z.ZodNumber && type.isInt);
      const expected = integer ? expectedText.int : (expectedText[issue.expected] ?? issue.expected);
      return { path: issue.path, problem: `must be ${expected}, got ${describeValue(value)}` };
    }
    case 'invalid_value': {
      const choices = issue.values.map(String);
      const guess = typeof value === 'string' ? closestName(value, choices) : undefined;
      return {
        path: issue.path,
        problem: `must be one of ${choices.join(', ')}, got ${describeValue(value)}${guess ? `. Did you mean "${guess}"?` : ''}`,
      };
    }
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const relation =
        issue.code === 'too_small' ? (issue.inclusive ? '>=' : '>') : issue.inclusive === false ? '<' : '<=';
      const what =
        issue.origin === 'array'
          ? `have ${relation} ${String(bound)} entries`
          : issue.origin === 'string'
            ? `have ${relation} ${String(bound)} characters`
            : `be ${relation} ${String(bound)}`;
      return { path: issue.path, problem: `must ${what}, got ${describeValue(value)}` };
    }
    case 'invalid_key':
      return { path: issue.path, problem: `is not an allowed key name (${issue.message})` };
    default:
      return { path: issue.path, problem: `is invalid: ${issue.message}` };
  }
}

/**
 * One usage error (`MolapError` 'usage', bad input) for the first issue (and how many more there are).
 * @param source names where the value at a path came from: `molap.config.json` or the flag `--seeds`.
 */
export function issuesToError(
  issues: readonly Issue[],
  schema: z.ZodType,
  data: unknown,
  source: (path: Path) => string,
): MolapError {
  const { path, problem, hint } = explain(issues[0], schema, data);
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
  const subject = problem.startsWith('unknown key') ? '' : `${path.length === 0 ? 'the config' : formatPath(path)} `;
  return new MolapError('usage', `${source(path)}: ${subject}${problem}${more}`, hint === undefined ? {} : { hint });
}
