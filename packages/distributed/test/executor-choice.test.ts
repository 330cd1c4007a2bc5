/** `executorChoice`: what `molap run --executor` names, checked before any work. */
import { errorKind, isMolapError } from '@molap/core';
import { describe, expect, it } from 'vitest';
import { checkedExecutorChoice, executorChoice } from '../src/index.js';

describe('executorChoice', () => {
  it('is the local executor for nothing and for local', () => {
    expect(executorChoice(undefined, {})).toBeUndefined();
    expect(executorChoice('local', {})).toBeUndefined();
  });

  it('reads MOLAP_REDIS_URL for redis, and names it again as redis', () => {
    const choice = executorChoice('redis', { MOLAP_REDIS_URL: 'redis://:secret@head:6380/2' });
    expect(choice?.shown).toBe('redis');
    expect(choice?.target.options).toMatchObject({ host: 'head', port: 6380, db: 2, password: 'secret' });
  });

  it('names a URL without its password', () => {
    const choice = executorChoice('rediss://:secret@head:6380', {});
    expect(choice?.shown).toBe('rediss://:***@head:6380');
    expect(choice?.target.url).toBe('rediss://:secret@head:6380');
  });

  it('refuses redis without MOLAP_REDIS_URL and anything that is not an executor, as bad input', () => {
    const refused = (given: string) => {
      try {
        executorChoice(given, {});
      } catch (error) {
        return error;
      }
      throw new Error(`${given} was accepted`);
    };
    const missing = refused('redis');
    expect(isMolapError(missing) && errorKind(missing)).toBe('bad-input');
    expect((missing as Error).message).toMatch(/--executor redis reads the Redis URL from MOLAP_REDIS_URL/);
    const other = refused('kubernetes');
    expect(errorKind(other)).toBe('bad-input');
    expect((other as Error).message).toMatch(/--executor 'kubernetes' is not an executor\n {2}hint: use local, redis/);
  });
});

describe('checkedExecutorChoice', () => {
  it('is the local executor for nothing and for local, without contacting anything', async () => {
    await expect(checkedExecutorChoice(undefined, {})).resolves.toBeUndefined();
    await expect(checkedExecutorChoice('local', {})).resolves.toBeUndefined();
  });

  it('refuses a choice that is not an executor before connecting', async () => {
    const error = await checkedExecutorChoice('kubernetes', {}).catch((caught: unknown) => caught);
    expect(errorKind(error)).toBe('bad-input');
    expect((error as Error).message).toMatch(/--executor 'kubernetes' is not an executor/);
  });

  it('names an unreachable server before any work, without its password', async () => {
    const error = await checkedExecutorChoice('redis', { MOLAP_REDIS_URL: 'redis://:hunter2@127.0.0.1:1' }).catch(
      (caught: unknown) => caught,
    );
    expect(isMolapError(error) && error.code).toBe('redis-unreachable');
    expect((error as Error).message).toContain('redis://:***@127.0.0.1:1');
    expect((error as Error).message).not.toContain('hunter2');
  });
});
