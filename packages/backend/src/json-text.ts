/**
 * Where JSON text goes wrong: the offset of the first character a JSON parser cannot accept, and how to
 * show that character. `JSON.parse` of Node 20 names a position for some errors only ("Unexpected token ']',
 * ...") and shows invisible characters (a byte-order mark, a no-break space) as themselves, so messages
 * computed here name the line, the column and the character's code point; `parseJsonText` parses with such
 * messages.
 */
import { BackendError } from './errors.js';

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);

/**
 * Offset of the first syntax error of `text` as JSON (RFC 8259), or undefined when it parses. At the end of
 * the text (a truncated document) the offset is `text.length`.
 */
export function jsonErrorOffset(text: string): number | undefined {
  let i = 0;
  const fail = (): never => {
    throw i;
  };
  const space = () => {
    while (i < text.length && WHITESPACE.has(text[i])) i++;
  };
  const literal = (word: string) => {
    for (const char of word) {
      if (text[i] !== char) fail();
      i++;
    }
  };
  const string = () => {
    i++; // the opening quote
    for (;;) {
      if (i >= text.length) fail();
      const char = text[i];
      if (char === '"') {
        i++;
        return;
      }
      if (char.charCodeAt(0) < 0x20) fail();
      if (char === '\\') {
        i++;
        const escaped = text[i];
        if (escaped === 'u') {
          for (let k = 1; k <= 4; k++) {
            if (!/[0-9a-fA-F]/.test(text[i + k] ?? '')) {
              i += k;
              fail();
            }
          }
          i += 5;
        } else if (escaped !== undefined && '"\\/bfnrt'.includes(escaped)) i++;
        else fail();
      } else i++;
    }
  };
  const number = () => {
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else if (/[1-9]/.test(text[i] ?? '')) while (/[0-9]/.test(text[i] ?? '')) i++;
    else fail();
    if (text[i] === '.') {
      i++;
      if (!/[0-9]/.test(text[i] ?? '')) fail();
      while (/[0-9]/.test(text[i] ?? '')) i++;
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      if (!/[0-9]/.test(text[i] ?? '')) fail();
      while (/[0-9]/.test(text[i] ?? '')) i++;
    }
  };
  const value = (): void => {
    space();
    const char = text[i];
    if (char === '{') {
      i++;
      space();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        space();
        if (text[i] !== '"') fail();
        string();
        space();
        if (text[i] !== ':') fail();
        i++;
        value();
        space();
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return;
        } else fail();
      }
    } else if (char === '[') {
      i++;
      space();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        space();
        if (text[i] === ',') i++;
        else if (text[i] === ']') {
          i++;
          return;
        } else fail();
      }
    } else if (char === '"') string();
    else if (char === 't') literal('true');
    else if (char === 'f') literal('false');
    else if (char === 'n') literal('null');
    else if (char === '-' || /[0-9]/.test(char ?? '')) number();
    else fail();
  };
  try {
    value();
    space();
    if (i < text.length) fail();
    return undefined;
  } catch (offset) {
    if (typeof offset === 'number') return offset;
    throw offset;
  }
}

/** Line and column (1-based) of `offset` in `text`. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** The character at `offset` for a message: `']'`, `U+FEFF (byte-order mark)`, or `end of the file`. */
export function describeCharacter(text: string, offset: number): string {
  if (offset >= text.length) return 'end of the file (is it truncated?)';
  const code = text.codePointAt(offset)!;
  const name = INVISIBLE[code];
  if (name !== undefined || code < 0x20 || (code >= 0x7f && code <= 0xa0)) {
    return `U+${code.toString(16).toUpperCase().padStart(4, '0')}${name ? ` (${name})` : ''}`;
  }
  return `'${String.fromCodePoint(code)}'`;
}

const INVISIBLE: Readonly<Record<number, string>> = {
  65279: 'byte-order mark',
  160: 'no-break space',
  8203: 'zero-width space',
  9: 'tab',
  10: 'line feed',
  13: 'carriage return',
  0: 'NUL',
};

/**
 * Parses JSON text: a leading byte-order mark is ignored. A syntax error is returned as where it is
 * (`' at line 2, column 11: unexpected \']\''`, empty when unknown) with the parser's error.
 */
export function parseJsonBody(text: string): { value: unknown } | { where: string; error: unknown } {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return { value: JSON.parse(body) };
  } catch (error) {
    const offset = jsonErrorOffset(body) ?? Number(/position (\d+)/.exec((error as Error).message)?.[1] ?? Number.NaN);
    let where = '';
    if (Number.isFinite(offset)) {
      const { line, column } = lineAndColumn(body, offset);
      where = ` at line ${line}, column ${column}: unexpected ${describeCharacter(body, offset)}`;
    }
    return { where, error };
  }
}

/**
 * Parses JSON text of `path`: a leading byte-order mark is ignored, and a syntax error names the file,
 * the line and the column.
 * @throws BackendError 'file-format' (a molap error).
 */
export function parseJsonText(text: string, path: string, hint?: string): unknown {
  const parsed = parseJsonBody(text);
  if ('value' in parsed) return parsed.value;
  throw new BackendError('file-format', `${path} is not valid JSON${parsed.where}`, {
    hint: hint ?? 'fix the JSON syntax (no comments or trailing commas)',
    cause: parsed.error,
  });
}
