/**
 * @molap/tasks and @molap/backend sit below core, so each brands its errors itself and holds a copy of the
 * bad-input code list (their modules' `BAD_INPUT_CODES`, not exported by the packages). This test keeps the
 * copies equal to core's list and checks that the three error classes classify every code alike.
 */
import { describe, expect, it } from 'vitest';
import { BAD_INPUT_CODES as BACKEND_CODES, BackendError } from '../../backend/src/errors.js';
import { BAD_INPUT_CODES as TASKS_CODES, TasksError } from '../../tasks/src/errors.js';
import { BAD_INPUT_CODES, errorKind, isMolapError, MolapError } from '../src/errors.js';

const FAILURE_CODES = ['import-failed', 'diverged', 'engine-unavailable', 'internal'];

describe('the bad-input codes of the packages below core', () => {
  it('are the same list as core’s', () => {
    const core = [...BAD_INPUT_CODES].sort();
    expect([...TASKS_CODES].sort()).toEqual(core);
    expect([...BACKEND_CODES].sort()).toEqual(core);
  });

  it('give every code the kind core gives it', () => {
    for (const code of [...BAD_INPUT_CODES, ...FAILURE_CODES]) {
      const expected = new MolapError(code, 'x').kind;
      for (const error of [new TasksError(code, 'x'), new BackendError(code, 'x')]) {
        expect(isMolapError(error)).toBe(true);
        expect(error.kind).toBe(expected);
        expect(errorKind(error)).toBe(expected);
      }
    }
    expect(new MolapError('diverged', 'x').kind).toBe('failure');
    expect(new MolapError('usage', 'x').kind).toBe('bad-input');
  });
});
