/**
 * Where the outputs of a study's jobs live in the run folder, so that an interrupted study resumes at job
 * granularity: a job whose output file exists is done and is not run again.
 *
 *   state/jobs/<job id>/output.json    { id, seconds, phases, memory, value }: the job's JSON output (written last, atomically)
 *   state/jobs/<job id>/files/          the job's files (a module bank, a saved model)
 *   state/jobs/<job id>/checkpoints/    checkpoints of a job in progress (a resumed job continues from them)
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { MolapError, parseJsonText, type WorkPhase, writeJsonDocument } from '@molap/core';
import type { Json, StudyJob } from './jobs.js';

/** A finished job's output. */
export interface JobOutput {
  /** The job's JSON output. */
  readonly value: Json;
  /** Seconds the job took when it ran. */
  readonly seconds: number;
  /**
   * Seconds of this thread's work phases during the job's last session (`phaseSeconds` of @molap/core:
   * batches, training, evaluation, files); absent in outputs of earlier versions, and zero for jobs whose
   * work ran in other threads only. For profiles (`npm run bench -- study`), not for results.
   */
  readonly phases?: Readonly<Record<WorkPhase, number>>;
  /**
   * The process's resident-set high-water mark (`process.resourceUsage().maxRSS`, bytes) when the job's last
   * session started and when it ended: a job with `after > before` raised the process's peak memory to
   * `after`. It covers every thread of the process, so with several jobs at once (the thread executor) a rise
   * cannot be told apart between them. Absent in outputs of earlier versions and of the Redis executor. For
   * profiles (`npm run bench -- study`), not for results.
   */
  readonly memory?: { readonly peakBytesBefore: number; readonly peakBytesAfter: number };
}

/**
 * The outputs of a study's finished jobs kept in a run folder (`JobStore.outputs`) rather than in memory: a
 * study of 7 models and 3 seeds has tens of megabytes of them.
 */
export interface StoredJobOutputs {
  /** Every finished job's id and the seconds it took. */
  readonly seconds: ReadonlyMap<string, number>;
  /** A finished job's output, read from its file (undefined when the job has not finished). */
  read(id: string): Promise<JobOutput | undefined>;
}

/** Folders and output files of the jobs of one run folder. */
export class JobStore {
  readonly root: string;

  /** @param stateDir the run folder's `state/` folder. */
  constructor(stateDir: string) {
    this.root = join(stateDir, 'jobs');
  }

  /** Folder of one job. */
  dir(job: Pick<StudyJob, 'id'>): string {
    return join(this.root, ...job.id.split('/'));
  }

  /** Folder of a job's files (its outputs besides JSON). */
  filesDir(job: Pick<StudyJob, 'id'>): string {
    return join(this.dir(job), 'files');
  }

  /** Folder of a job's checkpoints while it runs. */
  checkpointDir(job: Pick<StudyJob, 'id'>): string {
    return join(this.dir(job), 'checkpoints');
  }

  private outputPath(job: Pick<StudyJob, 'id'>): string {
    return join(this.dir(job), 'output.json');
  }

  /**
   * The output of a finished job, or undefined when it has not finished.
   * @throws MolapError 'file-format' when the output file is damaged (it names the file and the fix).
   */
  async read(job: Pick<StudyJob, 'id'>): Promise<JobOutput | undefined> {
    const path = this.outputPath(job);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    try {
      const document = parseJsonText(text, path) as JobOutput & { id: string };
      if (document.id !== job.id) {
        throw new MolapError('file-format', `${path} cannot be read (it holds the output of job '${document.id}')`);
      }
      return {
        value: document.value,
        seconds: document.seconds,
        ...(document.phases === undefined ? {} : { phases: document.phases }),
        ...(document.memory === undefined ? {} : { memory: document.memory }),
      };
    } catch (error) {
      const problem = (error as { problem?: string }).problem ?? `${path} cannot be read (${(error as Error).message})`;
      throw new MolapError('file-format', problem, {
        hint: `delete ${this.dir(job)} to run job '${job.id}' again`,
        cause: error,
      });
    }
  }

  /**
   * The outputs of a study's finished jobs, read from this store one at a time when asked for (none kept in
   * memory): what `assembleResults` reads at the end of a run.
   * @param seconds each finished job's id and the seconds it took (from the executor's `job-end` events).
   */
  outputs(seconds: ReadonlyMap<string, number>): StoredJobOutputs {
    return { seconds, read: (id) => this.read({ id }) };
  }

  /** Records a finished job (its files must already be in `filesDir`), then drops its checkpoints. */
  async write(job: Pick<StudyJob, 'id'>, output: JobOutput): Promise<void> {
    await mkdir(this.dir(job), { recursive: true });
    await writeJsonDocument(this.outputPath(job), {
      id: job.id,
      seconds: output.seconds,
      ...(output.phases === undefined ? {} : { phases: output.phases }),
      ...(output.memory === undefined ? {} : { memory: output.memory }),
      value: output.value,
    });
    await rm(this.checkpointDir(job), { recursive: true, force: true });
  }
}
