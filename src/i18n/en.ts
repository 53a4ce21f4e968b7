import type { Catalogue } from './catalogue.js';
import { clock, pad2, seconds, UNKNOWN } from './units.js';

const list = (words: string[]) => words.map((w) => `"${w}"`).join(', ');
const source = (s: string) => s;
const VENDORS = { ruishu: '瑞数 (Ruishu)', jiasule: '加速乐 (Jiasule)', cloudflare: 'Cloudflare', captcha: 'captcha' };
const LOADERS: Record<string, (phrase: string) => string> = {
  label: () => 'its list is loaded by script from /site/label/…?IsAjax=1',
  ajax: (phrase) => `a script on it loads content (${phrase})`,
  data: (phrase) => `a script on it renders a data block (${phrase})`,
  write: (phrase) => `a script on it writes content (${phrase})`,
  library: (phrase) => `it runs ${phrase}, which loads content`,
  text: (phrase) => `it shows "${phrase}" until a script fills it`,
};
const loaderText = (loader: string, phrase: string) => (LOADERS[loader] ?? LOADERS.text!)(phrase);
const keywordProblems = (missing: string[], anyOf: string[]) =>
  [...(missing.length ? [`missing ${list(missing)}`] : []), ...(anyOf.length ? [`none of ${list(anyOf)} found`] : [])].join('; ');

export const en: Catalogue = {
  reasons: {
    DNS_NOT_FOUND: (p) => `cannot resolve host ${p.host} (DNS: not found; check the address, or the network/DNS of this machine)`,
    DNS_UNAVAILABLE: (p) => `DNS lookup for ${p.host} failed temporarily (is this machine online?)`,
    CONNECTION_REFUSED: (p) => `${p.host} refused the connection`,
    CONNECTION_RESET: (p) => `${p.host} closed the connection before answering`,
    CONNECT_TIMEOUT: (p) => `could not connect to ${p.host} in time`,
    TIMEOUT: (p) => `no complete answer from ${p.host} within ${p.seconds}s`,
    TLS_ERROR: (p) => `TLS error from ${p.host}: ${p.detail}${p.detail === 'ERR_SSL_WRONG_VERSION_NUMBER' ? ' (the answer was not TLS: a plain HTTP server at an https:// address?)' : ''}`,
    REDIRECT_LOOP: (p) => `redirect loop: ${p.chain.join(' → ')}`,
    TOO_MANY_REDIRECTS: (p) => `more than ${p.max} redirects`,
    BAD_REDIRECT: (p) => `redirects to ${JSON.stringify(p.location)}, which is not a web address`,
    INTERRUPTED: () => 'the audit was interrupted before this link was checked',
    NO_NETWORK: (p) => `this machine has no route to ${p.host} (is it online?)`,
    PROXY_ERROR: (p) => `the proxy ${p.proxy} failed: ${p.detail} (check --proxy or HTTP_PROXY/HTTPS_PROXY)`,
    BLOCKED_ADDRESS: (p) => `refused to connect to ${p.host} (${p.address}): loopback, private and other internal addresses are blocked by --block-private (block_private)`,
    TLS_EXPIRED: (p) => `the TLS certificate of ${p.host} has expired (${p.detail})`,
    TLS_SELF_SIGNED: (p) => `${p.host} presents a self-signed TLS certificate (${p.detail})`,
    TLS_WRONG_HOST: (p) => `the TLS certificate of ${p.host} is for another host name (${p.detail})`,
    TLS_INCOMPLETE_CHAIN: (p) => `${p.host} does not send its full certificate chain, or its issuer is not trusted (${p.detail}; --ca FILE adds a root)`,
    TLS_UNTRUSTED: (p) => `the TLS certificate of ${p.host} chains to an untrusted root (${p.detail}; --ca FILE adds one)`,
    TLS_NOT_YET_VALID: (p) => `the TLS certificate of ${p.host} is not valid yet (${p.detail})`,
    TLS_EXPIRING: (p) => `the TLS certificate of ${p.host} expires on ${p.validTo.slice(0, 10)}, in ${p.daysLeft} day(s)`,
    TLS_INSECURE_ACCEPTED: (p) => `the TLS certificate of ${p.host} is not valid (${p.problem}: ${p.detail}); accepted because the host is marked insecure`,
    NETWORK_ERROR: (p) => `request to ${p.host} failed: ${p.detail}`,
    BODY_INCOMPLETE: (p) => `${p.host} closed the connection after sending ${p.received}${p.expected !== undefined ? ` of ${p.expected}` : ''} bytes of the page; the page arrived incomplete`,
    BAD_CONTENT_ENCODING: (p) => `${p.host} sent a ${p.encoding} body that cannot be decoded (${p.detail}); a browser shows an error for it too`,
    BAD_RESPONSE: (p) => `${p.host} answered with something that is not valid HTTP (${p.detail})`,
    HEADERS_TOO_LARGE: (p) => `${p.host} sent response headers larger than ${Math.round(p.limit / 1024)} KB, more than this audit accepts`,
    RATE_LIMITED: (p) => `${p.host} asked to come back later (HTTP ${p.status}, Retry-After: ${p.seconds} s, longer than the ${p.capSeconds} s this audit waits); check it again later`,
    REDIRECT_DOWNGRADE: (p) => `${p.from} redirects to unencrypted ${p.to} (https → http): the page travels in the clear`,
    BOT_WALL: (p) => {
      const how = p.vendor === 'captcha' ? `the page only asks for a human check ("${p.phrase}")`
        : p.vendor === 'ruishu' ? `HTTP ${p.status} with a $_ts challenge script`
        : p.vendor === 'cloudflare' ? `HTTP ${p.status} "Just a moment" challenge`
        : `HTTP ${p.status} with a __jsl_clearance cookie challenge`;
      return `blocked by a bot wall (${VENDORS[p.vendor]}: ${how}); open the link in a browser to check it`;
    },
    STATUS_OK: (p) => `HTTP ${p.status}${p.redirects ? ` after ${p.redirects} redirect(s)` : ''}${p.truncated ? '; body cut at the size cap, the first part was checked' : ''}`,
    STATUS_UNEXPECTED: (p) => `HTTP ${p.status}${STATUS_NAMES[p.status] ? ` ${STATUS_NAMES[p.status]}` : ''}, expected ${p.expected}`,
    CONTENT_OK: () => 'the page has content',
    SOFT_404: (p) => `soft 404: the page says "${p.phrase}"`,
    LOOKS_LIKE_ERROR_PAGE: (p) => `soft 404: the page is this site's error page (the same as for ${p.probeUrl}, which cannot exist)`,
    REDIRECTED_HOME: (p) => `soft 404: the link redirects to the site's home page (${p.finalUrl})`,
    SHOWS_HOME_PAGE: (p) => `soft 404: the host answers every address with its home page (${p.probeUrl}, which cannot exist, shows it too); this link shows the home page, not the page cited`,
    SELECTOR_EMPTY: (p) => `selector "${p.selector}" matched nothing on the page`,
    SELECTOR_UNSEEN: (p) => `selector "${p.selector}" matched nothing in the page's HTML, but ${loaderText(p.loader, p.phrase)}`,
    SELECTOR_INVALID: (p) => `selector "${p.selector}" is not valid CSS: ${p.detail}`,
    DOCUMENT_UNREAD: (p) => `the link serves a file of type ${p.type}, which is not a page or a PDF, Word or Excel document`,
    DOCUMENT_PARTIAL: (p) => (p.why === 'scanned'
      ? 'the document has no text layer (a scanned PDF?), so its words cannot be searched; check it by eye'
      : 'the keywords were not in the part of the document that was read (it is longer than the reading limit)'),
    DOCUMENT_UNREADABLE: (p) => `the ${p.kind.toUpperCase()} document cannot be read (${p.code}): ${p.detail}`,
    RENDER_UNAVAILABLE: (p) => `the page needs a browser to show its content, but rendering failed (${p.code}: ${p.detail})`,
    ANALYSIS_FAILED: (p) => `the page could not be analysed (${p.detail}); please report this`,
    KEYWORDS_OK: (p) => (p.found.length ? `found ${list(p.found)}` : 'no keyword required'),
    KEYWORDS_MISSING: (p) => keywordProblems(p.missing, p.anyOf),
    KEYWORDS_FORBIDDEN: (p) => `the page contains ${list(p.found)}, which it must not`,
    KEYWORDS_UNSEEN: (p) => `${keywordProblems(p.missing, p.anyOf)} in the page's HTML, but ${loaderText(p.loader, p.phrase)}`,
    FRESH: (p) => `last updated ${p.date} (${source(p.source)}), ${p.age} day(s) ago; allowed ${p.allowed}`,
    STALE: (p) => `last updated ${p.date} (${source(p.source)}), ${p.age} day(s) ago; older than ${p.allowed} (updates must be on or after ${p.cutoff})`,
    NO_DATE: () => 'no publication date found on the page; an item with no date counts as not updated',
    NO_DATE_SCRIPT_FILLED: (p) => `no date in the page's HTML: ${loaderText(p.loader, p.phrase)}, so its dates cannot be read without a browser`,
    STALE_SCRIPT_FILLED: (p) => `the page's HTML shows ${p.date} (${source(p.source)}) as its newest date, older than ${p.allowed}, but ${loaderText(p.loader, p.phrase)}: newer items may appear in a browser`,
    NO_EVIDENCE: () => 'no evidence cited',
    OTHER_SHARD: (p) => `not checked in this report: ${p.host} is audited by shard ${p.index} of ${p.total}; \`audit merge\` joins the shards' reports`,
  },
  ui: {
    verdict: { pass: 'PASS', fail: 'FAIL', unverified: 'UNVERIFIED' },
    headers: ['ID', 'Indicator', 'Weight', 'Score', 'Verdict', 'Evidence', 'First problem'],
    score: (score, max) => `Score: ${score} / ${max}`,
    indicatorCounts: (c) => `Indicators: ${c.pass} pass, ${c.fail} fail, ${c.unverified} unverified`,
    evidenceCounts: (c) => `Evidence: ${c.pass} pass, ${c.fail} fail, ${c.unverified} unverified`,
    interrupted: 'Interrupted: links not yet checked are counted as unverified.',
    dateSource: source,
    judgedOn: { rendered: 'judged on the page as a browser rendered it', listFrom: 'list read from its /site/label/ request' },
    demoSite: (origin) => `Demo site on ${origin} (stops when the audit ends)`,
    validated: (p) => `${p.path}: OK — ${p.sections} top-level indicators, ${p.evidence} evidence links (${p.urls} distinct URLs)${p.warnings ? `, ${p.warnings} warning(s)` : ''}`,
    validateFailed: (p) => `${p.path}: ${p.errors} error(s); nothing was fetched`,
    labels: {
      report: 'Evidence audit', score: 'Score', sections: 'Sections', indicators: 'Indicators', evidence: 'Evidence',
      url: 'URL', finalUrl: 'Final URL', httpStatus: 'HTTP status', lastUpdated: 'Last updated', reason: 'Reason',
      verdict: 'Verdict', weight: 'Weight', id: 'ID', indicator: 'Indicator', generated: 'Generated', criteria: 'Criteria',
      now: 'Audited as of', onlyFailures: 'Show only problems', changes: 'Changes since the baseline',
      newlyFailing: 'Newly failing', fixed: 'Fixed', newlyFailingEvidence: 'Newly failing links', fixedEvidence: 'Fixed links',
      scoreChange: 'Score change', baseline: 'Baseline', skipped: 'Not audited',
      incomplete: 'Incomplete: the audit was interrupted; links not yet checked are counted as unverified.',
      noProblems: 'No problems found.', requirement: 'Requirement',
      dateSource: 'Date source', reasonCode: 'Reason code', line: 'Line in criteria file', archived: 'Archived copy',
      detailsOmitted: 'Evidence details omitted to stay under GitHub\'s 65,536-character limit; see the JSON or HTML report.',
    },
    scoreDelta: (delta) => `Score change: ${delta}`,
    skippedBecause: (reason) => `Audited ${reason}; the other indicators were skipped and score 0 here.`,
    selection: (r) => {
      switch (r.kind) {
        case 'only': return `--only ${r.ids.join(' ')}`;
        case 'new-file': return `every indicator (${r.total} of ${r.total}): the criteria file is new since ${r.ref}`;
        case 'outside': {
          const where = r.lines.length === 1 ? `line ${r.lines[0]}` : `lines ${r.lines.slice(0, 5).join(', ')}${r.lines.length > 5 ? ', …' : ''}`;
          return `every indicator (${r.total} of ${r.total}): ${where} changed since ${r.ref} outside the indicators (settings, defaults, version or title), which affect every check`;
        }
        case 'changed': return `only indicators whose lines changed since ${r.ref} (${r.selected} of ${r.total})`;
        case 'none': return `no indicator's lines changed since ${r.ref} (0 of ${r.total})`;
      }
    },
    nothingToAudit: 'nothing to audit',
    interruptedBySignal: (signal) => `${signal}: finishing the reports with what was checked so far (send it again to quit at once)`,
    spool: {
      at: (path, judged) => `results spool: ${path}${judged > 0 ? ` (resuming: ${judged} evidence already judged)` : ''}`,
      resume: (path) => `the results so far are kept in ${path}: run the same command with --resume to continue`,
    },
    stoppedAtMaxTime: (minutes) => `max_time reached (${minutes} min): stopped, and reporting what was checked; the rest is unverified`,
  },
  help: {
    program: 'Check the evidence links cited in a weighted assessment table (政务公开自评表).',
    criteriaArg: 'criteria file',
    validate: 'check the criteria file only (errors and lints); no network',
    demo: 'serve a bundled sample site on 127.0.0.1 and audit it (offline)',
    strict: 'treat lint warnings as errors',
    format: 'format printed on standard output',
    output: 'also write a report to FILE (repeatable); format from the extension or a FORMAT:FILE prefix',
    verbose: 'one row per evidence: URL, HTTP status, date found, reason',
    now: 'treat this date as today (YYYY-MM-DD, or ISO 8601 with a zone), for reproducible audits',
    failUnder: 'pass the run when the score reaches this, even if indicators fail',
    failOn: 'also fail on: unverified (evidence that could not be checked), regression (with --baseline: only what passed before and fails now)',
    baseline: 'compare with an earlier JSON report: newly failing and fixed indicators and links, score change',
    cache: 'keep ETag/Last-Modified in DIR and send conditional requests',
    notify: 'post a summary to a DingTalk, WeCom, Feishu or JSON webhook (repeatable)',
    notifyOn: 'when to notify: fail, regression or always',
    quiet: 'no progress or log lines; with --output, nothing on standard output',
    lang: 'language of the reports and messages: zh or en (default from LC_ALL/LANG)',
    changed: 'audit only the indicators whose lines changed since GIT_REF (default origin/HEAD, then HEAD~1)',
    only: 'audit only these indicator ids or subtrees',
    concurrency: 'requests in flight overall (overrides settings.concurrency)',
    perHostConcurrency: 'requests in flight to one host',
    perHostRate: 'requests per second to one host, evenly spaced',
    timeout: 'whole-request timeout, e.g. 20s',
    retries: 'retries for network errors, 429 and 5xx',
    userAgent: 'User-Agent header to send',
    render: 'render pages in headless Chromium: auto (pages a script may fill, when a check would fail on their HTML), always or never',
    archive: 'keep every response, rendered page and screenshot in a WARC file in DIR, with index.json',
    proxy: 'send requests through this proxy (overrides HTTP_PROXY/HTTPS_PROXY; NO_PROXY still applies)',
    insecure: 'accept bad TLS certificates, still reporting them as warnings',
    ca: 'also trust the root certificates in this PEM file (repeatable)',
    certExpiryDays: 'warn when a certificate expires within this many days (default 30)',
    maxTime: 'stop the whole run after this long and report what was checked, e.g. 30m (default 2h)',
    blockPrivate: 'refuse loopback, private and link-local addresses, after DNS and on every redirect (for untrusted criteria)',
    resume: 'continue an interrupted run from its results spool: evidence already judged is not fetched again',
    import: 'make a criteria file from a published table (web page, text, .docx or .xlsx; a file or an http(s) URL)',
    importSource: 'the published table: a file, or the http(s) address of the page or file',
    importOutput: 'write the criteria to FILE (atomically) instead of standard output',
    importTitle: 'the table\'s title, when the source names none or another',
    importMaxAge: 'check every link for freshness: news (14d), notice (180d), statutory (365d) or a duration',
    importForce: 'replace the --output file if it exists',
    shard: 'audit only shard I of N (numbered from 1) of the evidence, split by a hash of the host name so a host is never split; auto reads GitLab\'s CI_NODE_INDEX/CI_NODE_TOTAL or Kubernetes\'s JOB_COMPLETION_INDEX',
    shardTotal: 'with --shard auto and Kubernetes\'s JOB_COMPLETION_INDEX (numbered from 0): how many shards (the Job\'s completions)',
    merge: 'join the JSON reports of the shards of one run (--shard) into the whole report: re-scored, with the exit code of --fail-under/--fail-on/--baseline',
    mergeReports: 'the JSON report each shard wrote with --output, one per shard',
    debug: 'show stack traces for unexpected errors',
    version: 'print the version',
    help: 'show this help',
    exitCodes: `
Exit codes:
  0    the run passed: every indicator passed, or the --fail-under / --fail-on policy was met
  1    the audit fell short: a failed indicator, a score under --fail-under, or a --fail-on condition
  2    usage or criteria-file error (nothing was fetched), or a report could not be written
  3    internal error (a bug in audit; run again with --debug and report it)
  130  interrupted (Ctrl-C, SIGTERM); the partial reports were still written, marked incomplete
`,
  },
  progress: {
    failed: (n) => `${n} failed`,
    slowest: (host, left) => `slowest: ${host} (${left} left)`,
    eta(ms) {
      if (ms === undefined || !Number.isFinite(ms)) return `ETA ${UNKNOWN}`;
      const { h, m, s } = clock(ms);
      if (h > 0) return `ETA ${h}h${pad2(m)}m`;
      if (m > 0) return `ETA ${m}m${pad2(s)}s`;
      return `ETA ${s}s`;
    },
    hostDone: ({ host, urls, failed, ms }) =>
      `host ${host} done: ${urls} ${urls === 1 ? 'URL' : 'URLs'}, ${failed} failed, ${seconds(ms)}s`,
    interrupted({ shown, moreHosts, hosts, urls }) {
      const list = shown.map(({ host, left }) => `${host} (${left} left)`).join(', ');
      const more = moreHosts > 0 ? `, and ${moreHosts} more` : '';
      return `interrupted: ${hosts} ${hosts === 1 ? 'host' : 'hosts'} unfinished, ${urls} ${urls === 1 ? 'URL' : 'URLs'} not checked: ${list}${more}`;
    },
  },
  notify: {
    passed: 'audit passed',
    failed: 'audit failed',
    regressed: 'new failures',
    interrupted: 'audit stopped before it finished',
    heading: (title, status) => `${title}: ${status}`,
    score: (score, maxScore) => `Score: ${score} / ${maxScore}`,
    delta: (signed) => ` (${signed} since the last run)`,
    unchanged: ' (unchanged since the last run)',
    counts: (pass, fail, unverified) => `Indicators: ${pass} passed, ${fail} failed, ${unverified} unverified`,
    newlyFailing: (count) => `Newly failing (${count})`,
    problems: 'Problems',
    fixed: (count) => `Fixed (${count})`,
    item: (id, title, reason) => `${id} ${title}${reason ? `: ${reason}` : ''}`,
    more: (count) => `… and ${count} more`,
    report: (path) => `Report: ${path}`,
  },
};

const STATUS_NAMES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 410: 'Gone',
  429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};
