/**
 * Redis URLs and connections. `redis://[user:password@]host:port[/db]` or `rediss://` (TLS); the password
 * never appears in a message (`shownUrl`). A connection is opened and checked (PING) before any work, so an
 * unreachable server, a wrong password or a server that refuses writes is named within seconds.
 */
import { MolapError } from '@molap/core';
import { Redis, type RedisOptions } from 'ioredis';

/** Environment variable a Redis URL is read from when no URL is given. */
export const REDIS_URL_ENV = 'MOLAP_REDIS_URL';

/** Seconds a first connection may take before the URL is reported unreachable. */
export const CONNECT_TIMEOUT_SECONDS = 5;

/** A checked Redis URL. */
export interface RedisTarget {
  /** The URL as given (with its password: never print it). */
  readonly url: string;
  /** The URL without its password, for messages and records. */
  readonly shown: string;
  /** ioredis options of the URL (host, port, db, username, password, tls). */
  readonly options: RedisOptions;
}

/** The URL with its password replaced by `***`. */
export function shownUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return '(an unparsable URL)';
  }
}

/**
 * Parses a Redis URL (see the module comment).
 * @throws MolapError 'invalid-option' for anything else, saying what a URL looks like.
 */
export function parseRedisUrl(url: string): RedisTarget {
  const example = 'redis://host:6379, rediss://:password@host:6380/0';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new MolapError('invalid-option', `'${shownUrl(url)}' is not a Redis URL`, { hint: `write it as ${example}` });
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new MolapError('invalid-option', `'${shownUrl(url)}' is not a Redis URL (scheme ${parsed.protocol})`, {
      hint: `write it as ${example}`,
    });
  }
  if (!parsed.hostname) {
    throw new MolapError('invalid-option', `the Redis URL '${shownUrl(url)}' names no host`, { hint: example });
  }
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) {
    throw new MolapError('invalid-option', `the Redis URL '${shownUrl(url)}' names database '${parsed.pathname}'`, {
      hint: 'the path of a Redis URL is a database number, e.g. redis://host:6379/0',
    });
  }
  const options: RedisOptions = {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port ? Number(parsed.port) : 6379,
    db,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
  };
  return { url, shown: shownUrl(url), options };
}

/** The URL given, else `MOLAP_REDIS_URL`; undefined when neither is set. */
export function redisUrlFrom(given: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const url = given ?? env[REDIS_URL_ENV];
  return url === undefined || url === '' ? undefined : url;
}

/** The executor an `--executor` choice names: where its jobs go and how to name it again in a command. */
export interface ExecutorChoice {
  /** The checked Redis URL. */
  readonly target: RedisTarget;
  /** `redis` when the URL came from `MOLAP_REDIS_URL`, else the URL without its password. */
  readonly shown: string;
}

/**
 * The Redis executor an executor choice names (`molap run --executor`): undefined for `local` (or none), the
 * URL of `MOLAP_REDIS_URL` for `redis`, else the URL given (`redis://host:port`, `rediss://…`).
 * @throws MolapError 'usage' (bad input) when `redis` is given without `MOLAP_REDIS_URL`, or the choice is
 *   neither local, redis nor a Redis URL; 'invalid-option' for a malformed Redis URL.
 */
export function executorChoice(
  given: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): ExecutorChoice | undefined {
  if (given === undefined || given === 'local') return undefined;
  const url = given === 'redis' ? redisUrlFrom(undefined, env) : given;
  if (url === undefined) {
    throw new MolapError('usage', `--executor redis reads the Redis URL from ${REDIS_URL_ENV}, which is not set`, {
      hint: `set ${REDIS_URL_ENV}=redis://host:6379, or pass the URL: --executor redis://host:6379`,
    });
  }
  if (!/^rediss?:/.test(url)) {
    throw new MolapError('usage', `--executor '${url}' is not an executor`, {
      hint: 'use local, redis (URL from MOLAP_REDIS_URL), or a URL redis://host:port / rediss://host:port',
    });
  }
  const target = parseRedisUrl(url);
  return { target, shown: given === 'redis' ? 'redis' : target.shown };
}

/**
 * `executorChoice` with its server checked before any work: for a Redis executor, a connection is opened,
 * answered (PING) and closed, so an unreachable server or a wrong password is named within
 * `CONNECT_TIMEOUT_SECONDS`; undefined for the local executor (nothing is contacted).
 * @throws what `executorChoice` throws; MolapError 'redis-unreachable' or 'redis-auth' (see `connectRedis`).
 */
export async function checkedExecutorChoice(
  given: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ExecutorChoice | undefined> {
  const choice = executorChoice(given, env);
  if (choice) (await connectRedis(choice.target)).disconnect();
  return choice;
}

/** What a Redis error means for the user, or undefined when it is not one of the known ones. */
export function redisProblem(error: unknown, target: RedisTarget): MolapError | undefined {
  const text = error instanceof Error ? error.message : String(error);
  if (/WRONGPASS|NOAUTH|invalid password|AUTH failed/i.test(text)) {
    return new MolapError('redis-auth', `Redis at ${target.shown} refused the password (${text.split('\n')[0]})`, {
      hint: 'put the right password in the URL (redis://:password@host:port) or in MOLAP_REDIS_URL',
      kind: 'bad-input',
      cause: error,
    });
  }
  if (/^OOM|OOM command not allowed/.test(text)) {
    return new MolapError('redis-full', `Redis at ${target.shown} is out of memory (${text.split('\n')[0]})`, {
      hint: 'raise its maxmemory (and use maxmemory-policy noeviction), or free it; then continue with --resume',
      cause: error,
    });
  }
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|connect|Connection is closed/i.test(text)) {
    return new MolapError('redis-unreachable', `cannot reach Redis at ${target.shown} (${text.split('\n')[0]})`, {
      hint: 'start redis-server there (docs/distributed.md), or fix the host and port of the URL',
      cause: error,
    });
  }
  return undefined;
}

/**
 * Opens a connection and checks it with PING; rejects within `CONNECT_TIMEOUT_SECONDS` when the server
 * cannot be reached.
 * @param blocking for BullMQ (workers, queues): retry every request forever after the first check.
 * @throws MolapError 'redis-unreachable' or 'redis-auth'.
 */
export async function connectRedis(target: RedisTarget, blocking = false): Promise<Redis> {
  const redis = new Redis({
    ...target.options,
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_SECONDS * 1000,
    maxRetriesPerRequest: blocking ? null : 3,
    enableReadyCheck: true,
    // After the first connection, reconnect forever (a restarted Redis comes back), at most every 2 s.
    retryStrategy: (times) => Math.min(200 * times, 2000),
  });
  let lastError: Error | undefined;
  // Errors reach the callers of commands and ioredis reconnects on its own; the last one explains a failed start.
  const remember = (error: Error) => {
    lastError = error;
  };
  redis.on('error', remember);
  try {
    await withTimeout(redis.connect(), CONNECT_TIMEOUT_SECONDS * 1000, 'connection timed out');
    await withTimeout(redis.ping(), CONNECT_TIMEOUT_SECONDS * 1000, 'PING timed out');
    redis.off('error', remember);
    redis.on('error', () => {});
    return redis;
  } catch (caught) {
    redis.disconnect();
    const error = lastError ?? caught;
    throw (
      redisProblem(error, target) ??
      new MolapError('redis-unreachable', `cannot reach Redis at ${target.shown} (${(error as Error).message})`, {
        hint: 'start redis-server there (docs/distributed.md), or fix the host and port of the URL',
        cause: error,
      })
    );
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
