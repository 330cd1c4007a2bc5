/**
 * The checks that keep a run safe: Redis URLs (the password never shown), the identity of a worker against
 * the coordinator, the shape of job payloads and outputs, and file bundles with their digests.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMolapError } from '@molap/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleDigests, readBundle, writeBundle } from '../src/bundle.js';
import { connectRedis, parseRedisUrl, redisUrlFrom, shownUrl } from '../src/connection.js';
import { bundleMismatch, digestOf, identityDifferences, payloadSchema, resultSchema } from '../src/protocol.js';

describe('Redis URLs', () => {
  it('reads host, port, database, user, password and TLS', () => {
    expect(parseRedisUrl('redis://cache:6380/2').options).toEqual({ host: 'cache', port: 6380, db: 2 });
    expect(parseRedisUrl('rediss://lab:s%40cret@[::1]/').options).toEqual({
      host: '::1',
      port: 6379,
      db: 0,
      username: 'lab',
      password: 's@cret',
      tls: {},
    });
  });

  it('never shows the password', () => {
    expect(shownUrl('redis://:hunter2@head:6379')).toBe('redis://:***@head:6379');
    expect(parseRedisUrl('redis://me:hunter2@head:6379').shown).not.toContain('hunter2');
  });

  it('refuses what is not a Redis URL, saying how to write one', () => {
    for (const url of ['http://head:6379', 'head:6379', 'redis://:pw@head:6379/x']) {
      let error: unknown;
      try {
        parseRedisUrl(url);
      } catch (caught) {
        error = caught;
      }
      expect(isMolapError(error) && error.code).toBe('invalid-option');
      expect(String((error as Error).message)).not.toContain('pw@');
    }
  });

  it('takes the URL from MOLAP_REDIS_URL when none is given', () => {
    expect(redisUrlFrom(undefined, { MOLAP_REDIS_URL: 'redis://a:1' })).toBe('redis://a:1');
    expect(redisUrlFrom('redis://b:2', { MOLAP_REDIS_URL: 'redis://a:1' })).toBe('redis://b:2');
    expect(redisUrlFrom(undefined, {})).toBeUndefined();
  });

  it('names an unreachable server within seconds, without its password', async () => {
    const started = Date.now();
    const error = await connectRedis(parseRedisUrl('redis://:hunter2@127.0.0.1:1')).catch((caught) => caught);
    expect(isMolapError(error) && error.code).toBe('redis-unreachable');
    expect(error.message).toContain('redis://:***@127.0.0.1:1');
    expect(error.message).not.toContain('hunter2');
    expect(Date.now() - started).toBeLessThan(8000);
  });
});

describe('worker identity', () => {
  it('names every difference of version and plugins', () => {
    const coordinator = { molapVersion: '0.2.0', plugins: { a: '1.0.0', b: '2.0.0' } };
    expect(identityDifferences(coordinator, coordinator)).toEqual([]);
    expect(identityDifferences(coordinator, { molapVersion: '0.1.0', plugins: { b: '2.1.0', c: '1.0.0' } })).toEqual([
      'molap 0.1.0 here, 0.2.0 at the coordinator',
      'plugin a@1.0.0 is missing here',
      'plugin b 2.1.0 here, 2.0.0 at the coordinator',
      'plugin c@1.0.0 is here but not at the coordinator',
    ]);
  });
});

describe('payloads', () => {
  const digest = digestOf('plan');
  const job = { id: 'train/multitask/seed-1', kind: 'train', seed: 1, model: 'multitask', inputs: [] };

  it('accepts a job payload and refuses anything else in it', () => {
    expect(payloadSchema.safeParse({ digest, job, inputs: {} }).success).toBe(true);
    expect(payloadSchema.safeParse({ digest, job: { ...job, kind: 'shell' }, inputs: {} }).success).toBe(false);
    expect(payloadSchema.safeParse({ digest, job: { ...job, code: 'rm -rf /' }, inputs: {} }).success).toBe(false);
    expect(payloadSchema.safeParse({ digest: 'x', job, inputs: {} }).success).toBe(false);
  });

  it('refuses file paths that leave the job folder', () => {
    for (const path of ['../escape', '/etc/passwd', 'a/../../b', 'a\\b', '']) {
      expect(resultSchema.safeParse({ value: 1, seconds: 1, worker: 'w', files: { [path]: digest } }).success).toBe(
        false,
      );
    }
    expect(
      resultSchema.safeParse({ value: 1, seconds: 1, worker: 'w', files: { 'model/weights.bin': digest } }).success,
    ).toBe(true);
  });
});

describe('file bundles', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'molap-bundle-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('carries a folder of binary files with their digests and replaces the target whole', async () => {
    const bytes = Buffer.from([0, 255, 1, 254, 128]);
    const bundle = { 'model/weights.bin': bytes, 'model/model.json': Buffer.from('{"a":1}') };
    await writeBundle(join(dir, 'out'), bundle);
    await writeFile(join(dir, 'out', 'stale.txt'), 'old');
    await writeBundle(join(dir, 'out'), bundle);
    const read = await readBundle(join(dir, 'out'));
    expect(Object.keys(read).sort()).toEqual(['model/model.json', 'model/weights.bin']);
    expect(await readFile(join(dir, 'out', 'model', 'weights.bin'))).toEqual(bytes);
    const digests = bundleDigests(read);
    expect(bundleMismatch(digests, read)).toBeUndefined();
    expect(bundleMismatch(digests, { ...read, 'model/weights.bin': Buffer.from([1]) })).toBe(
      'changed model/weights.bin',
    );
    expect(bundleMismatch(digests, { 'model/model.json': read['model/model.json'] })).toBe('missing model/weights.bin');
    expect(await readBundle(join(dir, 'none'))).toEqual({});
  });
});
