/**
 * A queue of turns, one per event-loop iteration. Responses from many hosts arrive together, and
 * judging them back to back (a few ms of parsing each) would hold the loop for 100 ms at a time,
 * so every host's next request, waiting on a timer, would leave late. Taking turns lets the timers
 * run between pages: a request is then late by at most one page's work.
 */
export function takeTurns(): () => Promise<void> {
  let previous: Promise<void> = Promise.resolve();
  return () => {
    // Each turn is queued only once the one before it has run, so it lands in the next iteration.
    const turn = previous.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
    previous = turn;
    return turn;
  };
}
