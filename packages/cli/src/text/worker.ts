/** What `molap worker` prints about its work: one line per event of `runWorker` (@molap/distributed). */
import type { WorkerEvent } from '@molap/distributed';

/** The line of a worker event, without the worker's name; `shown` is the server's URL without its password. */
export function workerEventLine(event: WorkerEvent, shown: string): string {
  return event.type === 'waiting'
    ? `waiting for a run on ${shown}`
    : event.type === 'serving'
      ? `serving run ${event.runName} (queue ${event.queue})`
      : event.type === 'job-start'
        ? `job ${event.job}`
        : event.type === 'job-end'
          ? `job ${event.job} done in ${event.seconds.toFixed(1)} s`
          : event.type === 'job-error'
            ? `job ${event.job} failed: ${event.error.split('\n')[0]}`
            : `run of queue ${event.queue} ended`;
}
