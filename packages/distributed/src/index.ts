/**
 * @molap/distributed: a study's jobs on many machines. `createRedisExecutor` is an executor of `runStudy`
 * (@molap/study) that puts the jobs on a BullMQ queue in Redis and writes what workers return into the run
 * folder; `runWorker` is the worker that takes them (`molap worker <url>`). Kept apart from @molap/study so
 * the study needs no Redis client.
 */
export {
  CONNECT_TIMEOUT_SECONDS,
  checkedExecutorChoice,
  connectRedis,
  type ExecutorChoice,
  executorChoice,
  parseRedisUrl,
  REDIS_URL_ENV,
  type RedisTarget,
  redisUrlFrom,
  shownUrl,
} from './connection.js';
export {
  type CoordinatorStatus,
  createRedisExecutor,
  DEFAULT_ATTEMPTS,
  QUEUE_RECORD,
  type RedisExecutorOptions,
  runQueueName,
} from './coordinator.js';
export { identityDifferences, type WorkerIdentity } from './protocol.js';
export { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';
export {
  DEFAULT_LOCK_SECONDS,
  type RunWorkerOptions,
  runWorker,
  type WorkerEvent,
  type WorkerPlugins,
} from './worker.js';
