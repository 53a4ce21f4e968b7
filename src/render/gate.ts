import type { HostScheduler } from '../fetch/scheduler.js';

/**
 * A gate that makes a rendered page's requests wait for their host's turn in the run's own
 * scheduler, so that they count against the same per-host rate limits as plain fetches.
 * The request's start time is claimed; the slot is not held while the browser transfers it.
 *
 * Call Renderer.render() outside scheduler.run(): a render waiting for its own host's slot
 * from inside one would wait for itself.
 */
export function schedulerGate(scheduler: HostScheduler, signal?: AbortSignal): (url: string) => Promise<void> {
  return async (url) => {
    if (signal?.aborted) throw new Error('interrupted');
    await scheduler.run(new URL(url).host, async () => undefined, signal);
    // The scheduler's waits end early on abort; a request must not start then.
    if (signal?.aborted) throw new Error('interrupted');
  };
}
