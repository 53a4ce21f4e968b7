#!/usr/bin/env node
import { languageFromArgv, main } from '../dist/cli.js';
import { catalogue } from '../dist/i18n/index.js';

// `audit | head` closes the pipe early; that is the reader's choice, not an error. The run goes
// on (report files, notifications) and keeps its exit code; only standard output is given up.
let stdoutClosed = false;
process.stdout.on('error', (error) => {
  if (error.code !== 'EPIPE') throw error;
  stdoutClosed = true;
});

// First Ctrl-C or SIGTERM: stop starting requests, give those in flight a moment, then write every
// report with what was gathered. A second signal quits at once, unless it is the echo that npm/npx
// and process-group kills send within the same second.
const controller = new AbortController();
let firstSignalAt = 0;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    if (controller.signal.aborted) {
      if (Date.now() - firstSignalAt > 1000) process.exit(130);
      return;
    }
    firstSignalAt = Date.now();
    process.stderr.write(`\n${catalogue(languageFromArgv(process.argv.slice(2), process)).ui.interruptedBySignal(signal)}\n`);
    controller.abort();
  });
}

const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal,
});
process.exitCode = code;
// Let stdout drain before exiting, so a piped report is never cut short.
if (stdoutClosed) process.exit(code);
else process.stdout.write('', () => process.exit(code));
