import { describe, expect, it } from 'vitest';
import { checkTaskConformance, yang19 } from '../src/index.js';

describe('the 20 Yang tasks pass the task conformance suite', () => {
  it.each(yang19.map((task) => [task.id, task] as const))('%s', (_id, task) => {
    expect(checkTaskConformance(task)).toEqual([]);
  });
});
