/**
 * What the coordinator and the workers of a run write in Redis, and the checks on it. Everything is data:
 * no code travels, a worker runs only the job kinds of its own @molap/study, and every payload is checked
 * before it runs (shape, plan digest, the job exactly as the plan makes it, input file digests).
 *
 *   molap:runs                            hash: queue name → RunEntry (the runs workers may serve)
 *   molap:<queue>:…                       BullMQ's keys of the run's queue (prefix `molap`)
 *   molap:<queue>:molap-meta              RunMeta as JSON: the plan, the coordinator's identity
 *   molap:<queue>:molap-files:<job id>    hash: path inside the job's files folder → bytes
 *   molap:<queue>:molap-refusals          list: JSON of the workers that refused the run, and why
 */
import { createHash } from 'node:crypto';
import { WORK_PHASES, type WorkPhase } from '@molap/core';
import type { StudyJob, StudyPlan } from '@molap/study';
import { z } from 'zod';

/** Key prefix of BullMQ's keys and ours. */
export const KEY_PREFIX = 'molap';
/** Hash of the runs whose jobs workers may take. */
export const RUNS_KEY = `${KEY_PREFIX}:runs`;
export const metaKey = (queue: string) => `${KEY_PREFIX}:${queue}:molap-meta`;
export const filesKey = (queue: string, jobId: string) => `${KEY_PREFIX}:${queue}:molap-files:${jobId}`;
export const refusalsKey = (queue: string) => `${KEY_PREFIX}:${queue}:molap-refusals`;

/** Format of the meta record. */
export const RUN_META_FORMAT = 'molap-distributed-run';
export const RUN_META_FORMAT_VERSION = 1;

/** What must match between the coordinator and a worker. */
export interface WorkerIdentity {
  /** Version of @molap/study (the job runner). */
  readonly molapVersion: string;
  /** Task plugins loaded: package name → version. */
  readonly plugins: Readonly<Record<string, string>>;
}

/** What the coordinator publishes about its run. */
export interface RunMeta {
  readonly format: typeof RUN_META_FORMAT;
  readonly formatVersion: number;
  readonly queue: string;
  /** Name of the run folder (for messages; workers never see the coordinator's files). */
  readonly runName: string;
  readonly identity: WorkerIdentity;
  /** sha256 of the plan's JSON: every job payload carries it. */
  readonly digest: string;
  readonly plan: StudyPlan;
}

/** An entry of `molap:runs`. */
export interface RunEntry {
  readonly runName: string;
  readonly coordinator: string;
  readonly startedAt: string;
}

/** Path inside a files folder → sha256 (hex) of its bytes. */
export type FileDigests = Readonly<Record<string, string>>;

/** The data of a BullMQ job. */
export interface JobPayload {
  readonly digest: string;
  readonly job: StudyJob;
  /** Digests of the files of each input job, by job id. */
  readonly inputs: Readonly<Record<string, FileDigests>>;
}

/** The return value of a BullMQ job. */
export interface JobResult {
  readonly value: unknown;
  readonly seconds: number;
  /** Seconds of the worker's work phases during the job (`JobOutput.phases`), for profiles. */
  readonly phases?: Readonly<Record<WorkPhase, number>>;
  readonly worker: string;
  readonly files: FileDigests;
}

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 in hex');
/** A relative path inside a files folder: no `..`, no absolute path, no backslash. */
const relativePath = z
  .string()
  .min(1)
  .refine(
    (path) =>
      !path.startsWith('/') &&
      !path.includes('\\') &&
      path.split('/').every((part) => part !== '..' && part !== '' && part !== '.'),
    'a relative path inside the job folder',
  );
const digests = z.record(relativePath, sha256);

const jobSchema = z
  .object({
    id: z.string().min(1).max(500),
    kind: z.enum(['bank', 'train', 'stage', 'generalisation']),
    seed: z.number().int(),
    model: z.string().optional(),
    stage: z.string().optional(),
    way: z.string().optional(),
    task: z.string().optional(),
    inputs: z.array(z.string()),
  })
  .strict();

export const payloadSchema = z
  .object({ digest: sha256, job: jobSchema, inputs: z.record(z.string(), digests) })
  .strict();

export const resultSchema = z
  .object({
    value: z.unknown(),
    seconds: z.number().nonnegative(),
    phases: z.record(z.enum(WORK_PHASES), z.number().nonnegative()).optional(),
    worker: z.string(),
    files: digests,
  })
  .strict();

export const metaSchema = z
  .object({
    format: z.literal(RUN_META_FORMAT),
    formatVersion: z.literal(RUN_META_FORMAT_VERSION),
    queue: z.string(),
    runName: z.string(),
    identity: z.object({ molapVersion: z.string(), plugins: z.record(z.string(), z.string()) }),
    digest: sha256,
    plan: z.record(z.string(), z.unknown()),
  })
  .strict();

/** sha256 in hex. */
export const digestOf = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

/** Digest of a plan: of its JSON text. */
export const planDigest = (plan: StudyPlan) => digestOf(JSON.stringify(plan));

/** One line per difference between a worker and the coordinator; empty when they match. */
export function identityDifferences(coordinator: WorkerIdentity, worker: WorkerIdentity): string[] {
  const differences: string[] = [];
  if (coordinator.molapVersion !== worker.molapVersion) {
    differences.push(`molap ${worker.molapVersion} here, ${coordinator.molapVersion} at the coordinator`);
  }
  const names = [...new Set([...Object.keys(coordinator.plugins), ...Object.keys(worker.plugins)])].sort();
  for (const name of names) {
    const theirs = coordinator.plugins[name];
    const ours = worker.plugins[name];
    if (theirs === ours) continue;
    if (ours === undefined) differences.push(`plugin ${name}@${theirs} is missing here`);
    else if (theirs === undefined) differences.push(`plugin ${name}@${ours} is here but not at the coordinator`);
    else differences.push(`plugin ${name} ${ours} here, ${theirs} at the coordinator`);
  }
  return differences;
}

/** Files whose digests differ from the expected ones, as a sentence; undefined when all match. */
export function bundleMismatch(expected: FileDigests, files: Readonly<Record<string, Uint8Array>>): string | undefined {
  const missing = Object.keys(expected).filter((path) => !(path in files));
  const extra = Object.keys(files).filter((path) => !(path in expected));
  const changed = Object.keys(expected).filter((path) => path in files && digestOf(files[path]) !== expected[path]);
  const parts = [
    missing.length ? `missing ${missing.join(', ')}` : '',
    extra.length ? `unexpected ${extra.join(', ')}` : '',
    changed.length ? `changed ${changed.join(', ')}` : '',
  ].filter(Boolean);
  return parts.length ? parts.join('; ') : undefined;
}
