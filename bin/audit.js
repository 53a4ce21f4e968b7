#!/usr/bin/env node
import { readFileSync } from 'node:fs';

// `audit | head` closes the pipe early; that is the reader's choice, not an error. The run goes
// on (report files, notifications) and keeps its exit code; only standard output is given up.
let stdoutClosed = false;
process.stdout.on('error', (error) => {
  if (error.code !== 'EPIPE') throw error;
  stdoutClosed = true;
});

// `audit --version` alone is answered from package.json before the CLI is imported: loading the
// CLI (commander, the catalogues, the commands) costs several times Node's own start-up, and a
// version check in a script or a CI step should cost no more than `node -e 0`. Anything else on
// the line (`audit -V --lang en`, a typo) goes through commander, which prints the same version.
const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  // No process.exit: Node exits by itself once the write is flushed, as it would after commander.
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
} else {
  await run();
}

async function run() {
  const { languageFromArgv, main } = await import('../dist/cli.js');
  const { catalogue } = await import('../dist/i18n/index.js');

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
      process.stderr.write(`\n${catalogue(languageFromArgv(argv, process)).ui.interruptedBySignal(signal)}\n`);
      controller.abort();
    });
  }

  const code = await main(argv, {
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
}
