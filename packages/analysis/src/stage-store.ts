/**
 * Where `analyseModels` keeps the result of each finished stage (JSON files written atomically) and the
 * trained models, so an interrupted analysis resumes at stage granularity: a stage whose file exists is
 * read back instead of run again.
 *
 * Layout of the work folder:
 *   run.json                                  the run's configuration; a different configuration is refused
 *   <model>/seed-<s>/model/                   the trained model (`MultiTaskModel.save`)
 *   <model>/seed-<s>/<stage>.json             a finished stage: { stage, seconds, value }
 *   <model>/seed-<s>/checkpoints/<stage>/     learning checkpoints of a stage in progress
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '@molap/backend';

/** A stage read back from its file. */
export interface StoredStage<T> {
  readonly value: T;
  /** Seconds the stage took when it ran. */
  readonly seconds: number;
}

const RUN_JSON = 'run.json';

/** File-name-safe form of a model name or stage name. */
export function safeName(name: string): string {
  return encodeURIComponent(name).replace(/%/g, '_');
}

/** Stage files and model folders of one work folder. */
export class StageStore {
  readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  /** Folder of one model and seed. */
  runDir(model: string, seed: number): string {
    return join(this.root, safeName(model), `seed-${seed}`);
  }

  /** Folder the trained model is saved into. */
  modelDir(model: string, seed: number): string {
    return join(this.runDir(model, seed), 'model');
  }

  /** Checkpoint folder of a learning stage. */
  checkpointDir(model: string, seed: number, stage: string): string {
    return join(this.runDir(model, seed), 'checkpoints', safeName(stage));
  }

  private stagePath(model: string, seed: number, stage: string): string {
    return join(this.runDir(model, seed), `${safeName(stage)}.json`);
  }

  /** The stored stage, or undefined when it has not finished. */
  async read<T>(model: string, seed: number, stage: string): Promise<StoredStage<T> | undefined> {
    const path = this.stagePath(model, seed, stage);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    try {
      const document = JSON.parse(text) as { stage: string; seconds: number; value: T };
      return { value: document.value, seconds: document.seconds };
    } catch (error) {
      throw new Error(`${path} cannot be read (${(error as Error).message}): delete it to run the stage again`);
    }
  }

  /** Stores a finished stage. */
  async write<T>(model: string, seed: number, stage: string, value: T, seconds: number): Promise<void> {
    await mkdir(this.runDir(model, seed), { recursive: true });
    await writeFileAtomic(this.stagePath(model, seed, stage), JSON.stringify({ stage, seconds, value }));
  }

  /**
   * Records the run's configuration, or checks it against the one recorded: a work folder holds one
   * configuration only.
   */
  async claim(configuration: unknown): Promise<void> {
    await mkdir(this.root, { recursive: true });
    const path = join(this.root, RUN_JSON);
    const text = `${JSON.stringify(configuration, null, 2)}\n`;
    let existing: string | undefined;
    try {
      existing = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (existing === undefined) {
      await writeFileAtomic(path, text);
      return;
    }
    if (existing !== text) {
      throw new Error(
        `the work folder ${this.root} holds an analysis of another configuration (${path} differs): use a new work folder, or delete this one to start over`,
      );
    }
  }
}
