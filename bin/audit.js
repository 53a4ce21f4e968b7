#!/usr/bin/env node
import { main } from '../dist/cli.js';

// `audit | head` closes the pipe early; that is the reader's choice, not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

// First Ctrl-C: stop fetching and print what was gathered. Second: leave at once.
const controller = new AbortController();
process.on('SIGINT', () => {
  if (controller.signal.aborted) process.exit(130);
  process.stderr.write('\nInterrupted: finishing the report with what was checked so far (Ctrl-C again to quit)\n');
  controller.abort();
});

const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal,
});
process.exitCode = code;
// Let stdout drain before exiting, so a piped report is never cut short.
process.stdout.write('', () => process.exit(code));
