/**
 * The public surface of @molap/distributed, pinned: adding, removing or renaming an export must change this
 * list too, so every change of the API is a deliberate one.
 */
import { expect, it } from 'vitest';
import { exportList, valueExports } from '../../../tools/export-list.js';

const EXPORTS = [
  'checkedExecutorChoice',
  'CONNECT_TIMEOUT_SECONDS',
  'connectRedis',
  'type CoordinatorStatus',
  'createRedisExecutor',
  'DEFAULT_ATTEMPTS',
  'DEFAULT_LOCK_SECONDS',
  'executorChoice',
  'type ExecutorChoice',
  'identityDifferences',
  'PACKAGE_NAME',
  'PACKAGE_VERSION',
  'parseRedisUrl',
  'QUEUE_RECORD',
  'REDIS_URL_ENV',
  'type RedisExecutorOptions',
  'type RedisTarget',
  'redisUrlFrom',
  'runQueueName',
  'runWorker',
  'type RunWorkerOptions',
  'shownUrl',
  'type WorkerEvent',
  'type WorkerIdentity',
  'type WorkerPlugins',
];

it('exports exactly its public surface', async () => {
  expect(exportList(new URL('../src/index.ts', import.meta.url))).toEqual(EXPORTS);
  expect(Object.keys(await import('../src/index.js')).sort()).toEqual(valueExports(EXPORTS));
});
