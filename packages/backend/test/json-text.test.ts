import { describe, expect, it } from 'vitest';
import { parseJsonText } from '../src/index.js';
import { describeCharacter, jsonErrorOffset, lineAndColumn } from '../src/json-text.js';

describe('JSON syntax errors name line, column and character', () => {
  it.each([
    ['{"a": 1}', undefined],
    ['[1, -2.5e3, true, false, null, "x\\u00e9\\n"]', undefined],
    ['{"a": [1,]}', 9],
    ['{"a" 1}', 5],
    ['{"a": 01}', 7],
    ['{"a": tru}', 6 + 3],
    ['{"a": 1', 7],
    ['{"a": "x\ny"}', 8],
    ['{} x', 3],
  ])('%j → offset %s', (text, offset) => {
    expect(jsonErrorOffset(text)).toBe(offset);
    if (offset === undefined) expect(() => JSON.parse(text)).not.toThrow();
    else expect(() => JSON.parse(text)).toThrow();
  });

  it('counts lines and columns from 1 and shows invisible characters by code point', () => {
    expect(lineAndColumn('{\n  "a": ]', 9)).toEqual({ line: 2, column: 8 });
    expect(describeCharacter('x\uFEFF', 1)).toBe('U+FEFF (byte-order mark)');
    expect(describeCharacter('x\u00A0', 1)).toBe('U+00A0 (no-break space)');
    expect(describeCharacter(']', 0)).toBe("']'");
    expect(describeCharacter('{', 1)).toBe('end of the file (is it truncated?)');
  });

  it('parseJsonText skips a leading byte-order mark and names the file in errors', () => {
    expect(parseJsonText('\uFEFF{"a": 1}', 'x.json')).toEqual({ a: 1 });
    expect(() => parseJsonText('{\n  "a": [1,]\n}', 'dir/x.json')).toThrow(
      "dir/x.json is not valid JSON at line 2, column 11: unexpected ']'",
    );
  });
});
