import type { Catalogue } from './catalogue.js';
import { clock, pad2, seconds, UNKNOWN } from './units.js';

const list = (words: string[]) => words.map((w) => `“${w}”`).join('、');
const SOURCES: Record<string, string> = { 'page text': '页面正文', 'Last-Modified header': 'Last-Modified 响应头' };
const source = (s: string) => SOURCES[s] ?? s.replace(/^meta /, '元数据 ');
const VENDORS = { ruishu: '瑞数', jiasule: '加速乐', cloudflare: 'Cloudflare', captcha: '验证码页面' };
const LOADERS: Record<string, (phrase: string) => string> = {
  label: () => '其列表由脚本从 /site/label/…?IsAjax=1 加载',
  ajax: (phrase) => `页面脚本会加载内容（${phrase}）`,
  data: (phrase) => `页面脚本会渲染数据块（${phrase}）`,
  write: (phrase) => `页面脚本会写入内容（${phrase}）`,
  library: (phrase) => `页面运行 ${phrase}，会加载内容`,
  text: (phrase) => `页面显示“${phrase}”，内容要由脚本填充`,
};
const loaderText = (loader: string, phrase: string) => (LOADERS[loader] ?? LOADERS.text!)(phrase);
const keywordProblems = (missing: string[], anyOf: string[]) =>
  [...(missing.length ? [`缺少${list(missing)}`] : []), ...(anyOf.length ? [`${list(anyOf)}均未出现`] : [])].join('；');

export const zh: Catalogue = {
  reasons: {
    DNS_NOT_FOUND: (p) => `无法解析域名 ${p.host}（DNS 查无此域名；请核对网址，或检查本机网络与 DNS）`,
    DNS_UNAVAILABLE: (p) => `域名 ${p.host} 暂时无法解析（本机是否联网？）`,
    CONNECTION_REFUSED: (p) => `${p.host} 拒绝连接`,
    CONNECTION_RESET: (p) => `${p.host} 未响应即断开了连接`,
    CONNECT_TIMEOUT: (p) => `连接 ${p.host} 超时`,
    TIMEOUT: (p) => `${p.host} 在 ${p.seconds} 秒内未返回完整响应`,
    TLS_ERROR: (p) => `${p.host} 的 TLS 证书或加密连接出错：${p.detail}${p.detail === 'ERR_SSL_WRONG_VERSION_NUMBER' ? '（对方的响应不是 TLS，可能是用 https:// 访问了普通 HTTP 服务器）' : ''}`,
    REDIRECT_LOOP: (p) => `循环跳转：${p.chain.join(' → ')}`,
    TOO_MANY_REDIRECTS: (p) => `跳转超过 ${p.max} 次`,
    BAD_REDIRECT: (p) => `跳转到 ${JSON.stringify(p.location)}，不是网页地址`,
    INTERRUPTED: () => '核查被中断，此链接尚未检查',
    NO_NETWORK: (p) => `本机没有到 ${p.host} 的网络路由（本机是否联网？）`,
    PROXY_ERROR: (p) => `代理 ${p.proxy} 出错：${p.detail}（请检查 --proxy 或 HTTP_PROXY/HTTPS_PROXY）`,
    BLOCKED_ADDRESS: (p) => `拒绝连接 ${p.host}（${p.address}）：--block-private（block_private）禁止访问回环、内网及其他内部地址`,
    TLS_EXPIRED: (p) => `${p.host} 的 TLS 证书已过期（${p.detail}）`,
    TLS_SELF_SIGNED: (p) => `${p.host} 使用自签名 TLS 证书（${p.detail}）`,
    TLS_WRONG_HOST: (p) => `${p.host} 的 TLS 证书属于其他域名（${p.detail}）`,
    TLS_INCOMPLETE_CHAIN: (p) => `${p.host} 未发送完整证书链，或其签发机构不受信任（${p.detail}；可用 --ca 文件 添加根证书）`,
    TLS_UNTRUSTED: (p) => `${p.host} 的 TLS 证书链到不受信任的根证书（${p.detail}；可用 --ca 文件 添加）`,
    TLS_NOT_YET_VALID: (p) => `${p.host} 的 TLS 证书尚未生效（${p.detail}）`,
    TLS_EXPIRING: (p) => `${p.host} 的 TLS 证书将于 ${p.validTo.slice(0, 10)} 到期，还剩 ${p.daysLeft} 天`,
    TLS_INSECURE_ACCEPTED: (p) => `${p.host} 的 TLS 证书无效（${p.problem}：${p.detail}）；因该网站被标记为 insecure 而接受`,
    NETWORK_ERROR: (p) => `请求 ${p.host} 失败：${p.detail}`,
    BODY_INCOMPLETE: (p) => `${p.host} 只发送了页面的 ${p.received}${p.expected !== undefined ? ` / ${p.expected}` : ''} 字节就关闭了连接，页面不完整`,
    BAD_CONTENT_ENCODING: (p) => `${p.host} 发送的 ${p.encoding} 压缩内容无法解压（${p.detail}），浏览器打开也会报错`,
    BAD_RESPONSE: (p) => `${p.host} 的响应不是有效的 HTTP（${p.detail}）`,
    HEADERS_TOO_LARGE: (p) => `${p.host} 的响应头超过 ${Math.round(p.limit / 1024)} KB，超出本工具接受的上限`,
    RATE_LIMITED: (p) => `${p.host} 要求稍后再访问（HTTP ${p.status}，Retry-After: ${p.seconds} 秒，超过本工具最多等待的 ${p.capSeconds} 秒），请稍后重新检查`,
    REDIRECT_DOWNGRADE: (p) => `${p.from} 重定向到未加密的 ${p.to}（https → http），页面以明文传输`,
    BOT_WALL: (p) => {
      const how = p.vendor === 'captcha' ? `页面只要求人工验证（“${p.phrase}”）`
        : p.vendor === 'ruishu' ? `HTTP ${p.status} 并返回 $_ts 挑战脚本`
        : p.vendor === 'cloudflare' ? `HTTP ${p.status} “Just a moment” 挑战页`
        : `HTTP ${p.status} 并要求 __jsl_clearance Cookie`;
      return `被网站防护拦截（${VENDORS[p.vendor]}：${how}）；请在浏览器中人工打开核对`;
    },
    STATUS_OK: (p) => `HTTP ${p.status}${p.redirects ? `，经 ${p.redirects} 次跳转` : ''}${p.truncated ? '；页面超过大小上限，仅检查了前面部分' : ''}`,
    STATUS_UNEXPECTED: (p) => `HTTP ${p.status}${STATUS_NAMES[p.status] ? `（${STATUS_NAMES[p.status]}）` : ''}，应为 ${p.expected}`,
    CONTENT_OK: () => '页面有内容',
    SOFT_404: (p) => `软 404：页面显示“${p.phrase}”`,
    LOOKS_LIKE_ERROR_PAGE: (p) => `软 404：页面与该网站的错误页相同（与不存在的 ${p.probeUrl} 返回的页面一致）`,
    REDIRECTED_HOME: (p) => `软 404：链接被跳转到网站首页（${p.finalUrl}）`,
    SHOWS_HOME_PAGE: (p) => `软 404：该网站对任何地址都返回首页（不存在的 ${p.probeUrl} 也显示首页）；此链接显示的是首页，而不是所引用的页面`,
    SELECTOR_EMPTY: (p) => `选择器 "${p.selector}" 在页面上没有匹配到内容`,
    SELECTOR_UNSEEN: (p) => `选择器 "${p.selector}" 在页面 HTML 中没有匹配到内容，但${loaderText(p.loader, p.phrase)}`,
    SELECTOR_INVALID: (p) => `选择器 "${p.selector}" 不是有效的 CSS：${p.detail}`,
    DOCUMENT_UNREAD: (p) => `链接指向 ${p.type} 类型的文件，既不是网页，也不是 PDF、Word 或 Excel 文档`,
    DOCUMENT_PARTIAL: (p) => (p.why === 'scanned'
      ? '文档没有文字层（扫描件？），无法检索关键词，请人工查看'
      : '在已读取的部分中未找到关键词（文档超过读取上限）'),
    DOCUMENT_UNREADABLE: (p) => `${p.kind.toUpperCase()} 文档无法读取（${p.code}）：${p.detail}`,
    RENDER_UNAVAILABLE: (p) => `页面内容需用浏览器渲染后才能看到，但渲染失败（${p.code}：${p.detail}）`,
    ANALYSIS_FAILED: (p) => `页面无法分析（${p.detail}）；请报告此问题`,
    KEYWORDS_OK: (p) => (p.found.length ? `找到${list(p.found)}` : '未要求关键词'),
    KEYWORDS_MISSING: (p) => keywordProblems(p.missing, p.anyOf),
    KEYWORDS_FORBIDDEN: (p) => `页面含有不应出现的${list(p.found)}`,
    KEYWORDS_UNSEEN: (p) => `页面 HTML 中${keywordProblems(p.missing, p.anyOf)}，但${loaderText(p.loader, p.phrase)}`,
    FRESH: (p) => `最近更新 ${p.date}（${source(p.source)}），距今 ${p.age} 天；要求 ${p.allowed} 内`,
    STALE: (p) => `最近更新 ${p.date}（${source(p.source)}），距今 ${p.age} 天；超过 ${p.allowed}（应不早于 ${p.cutoff}）`,
    NO_DATE: () => '页面上找不到发布日期；无日期按未更新处理',
    NO_DATE_SCRIPT_FILLED: (p) => `页面 HTML 中没有日期：${loaderText(p.loader, p.phrase)}，不用浏览器无法读取其日期`,
    STALE_SCRIPT_FILLED: (p) => `页面 HTML 中最新日期为 ${p.date}（${source(p.source)}），超过 ${p.allowed}，但${loaderText(p.loader, p.phrase)}，浏览器中可能显示更新的内容`,
    NO_EVIDENCE: () => '未提供佐证材料',
    OTHER_SHARD: (p) => `本报告未核查：${p.host} 由第 ${p.index} 片（共 ${p.total} 片）核查；用 audit merge 合并各分片的报告`,
  },
  ui: {
    verdict: { pass: '通过', fail: '未通过', unverified: '无法核验' },
    headers: ['编号', '指标', '权重', '得分', '结论', '佐证', '首个问题'],
    score: (score, max) => `得分：${score} / ${max}`,
    indicatorCounts: (c) => `指标：${c.pass} 项通过，${c.fail} 项未通过，${c.unverified} 项无法核验`,
    evidenceCounts: (c) => `佐证：${c.pass} 条通过，${c.fail} 条未通过，${c.unverified} 条无法核验`,
    interrupted: '核查被中断：尚未检查的链接计为无法核验。',
    dateSource: source,
    judgedOn: { rendered: '按浏览器渲染后的页面判定', listFrom: '列表由其 /site/label/ 请求直接读取' },
    demoSite: (origin) => `演示站点运行于 ${origin}（核查结束后自动关闭）`,
    validated: (p) => `${p.path}：检查通过，${p.sections} 个一级指标，${p.evidence} 条佐证链接（${p.urls} 个不同网址）${p.warnings ? `，${p.warnings} 条警告` : ''}`,
    validateFailed: (p) => `${p.path}：${p.errors} 处错误；未发出任何请求`,
    labels: {
      report: '佐证材料核查报告', score: '得分', sections: '一级指标', indicators: '指标', evidence: '佐证',
      url: '链接', finalUrl: '最终网址', httpStatus: 'HTTP 状态', lastUpdated: '最近更新', reason: '原因',
      verdict: '结论', weight: '权重', id: '编号', indicator: '指标', generated: '生成时间', criteria: '评分标准',
      now: '核查基准日', onlyFailures: '只看有问题的', changes: '与上次相比的变化',
      newlyFailing: '新出现的问题', fixed: '已修复', newlyFailingEvidence: '新出现问题的链接', fixedEvidence: '已修复的链接',
      scoreChange: '得分变化', baseline: '对比基准', skipped: '未核查',
      incomplete: '报告不完整：核查被中断，尚未检查的链接计为无法核验。',
      noProblems: '未发现问题。', requirement: '要求',
      dateSource: '日期来源', reasonCode: '原因代码', line: '所在行', archived: '存档副本',
      detailsOmitted: '为不超过 GitHub 65,536 字符上限，已省略佐证明细，详见 JSON 或 HTML 报告。',
    },
    scoreDelta: (delta) => `得分变化：${delta}`,
    skippedBecause: (reason) => `本次仅核查${reason}；其余指标已跳过，在此计 0 分。`,
    selection: (r) => {
      switch (r.kind) {
        case 'only': return `${r.ids.join('、')}（--only）`;
        case 'new-file': return `全部指标（${r.total} 项）：评分标准文件自 ${r.ref} 以来为新文件`;
        case 'outside': return `全部指标（${r.total} 项）：自 ${r.ref} 以来，指标之外的第 ${r.lines.slice(0, 5).join('、')}${r.lines.length > 5 ? '……' : ''} 行有改动（设置、默认值、版本或标题），影响所有检查`;
        case 'changed': return `自 ${r.ref} 以来有改动的指标（${r.selected} / ${r.total} 项）`;
        case 'none': return `零项指标：自 ${r.ref} 以来没有指标的行有改动（0 / ${r.total} 项）`;
      }
    },
    nothingToAudit: '没有需要核查的指标',
    interruptedBySignal: (signal) => `${signal}：正在用已检查的结果写出报告（再发送一次则立即退出）`,
    spool: {
      at: (path, judged) => `结果暂存文件：${path}${judged > 0 ? `（继续上次运行：已核查 ${judged} 条佐证）` : ''}`,
      resume: (path) => `已核查的结果保存在 ${path}：加 --resume 重新运行同一命令即可继续`,
    },
    stoppedAtMaxTime: (minutes) => `已达运行时间上限 max_time（${minutes} 分钟）：已停止，报告已检查的结果，其余标为无法核实`,
  },
  help: {
    program: '核查加权评估表（政务公开自评表）中引用的佐证链接。',
    criteriaArg: '评分标准文件',
    validate: '只检查评分标准文件（错误与提示），不联网',
    demo: '在 127.0.0.1 启动自带的演示站点并核查（离线）',
    strict: '把提示性警告当作错误',
    format: '标准输出的报告格式',
    output: '另外把报告写入 FILE（可重复）；格式由扩展名或 FORMAT:FILE 前缀决定',
    verbose: '每条佐证一行：链接、HTTP 状态、找到的日期、原因',
    now: '把该日期当作今天（YYYY-MM-DD，或带时区的 ISO 8601），便于复现核查结果',
    failUnder: '得分达到该值即视为通过，即使有指标未通过',
    failOn: '以下情况也判为失败：unverified（无法核验的佐证）、regression（配合 --baseline：原先通过、现在未通过）',
    baseline: '与之前的 JSON 报告比较：新出现的问题、已修复（逐个指标和链接）、得分变化',
    cache: '在 DIR 中保存 ETag/Last-Modified，发送条件请求',
    notify: '向钉钉、企业微信、飞书或 JSON webhook 推送摘要（可重复）',
    notifyOn: '何时推送：fail、regression 或 always',
    quiet: '不显示进度和日志行；配合 --output 时标准输出不打印报告',
    lang: '报告与提示的语言：zh 或 en（默认取 LC_ALL/LANG）',
    changed: '只核查自 GIT_REF 以来行有变化的指标（默认 origin/HEAD，其次 HEAD~1）',
    only: '只核查这些编号的指标或其下级',
    concurrency: '同时进行的请求总数（覆盖 settings.concurrency）',
    perHostConcurrency: '对同一网站同时进行的请求数',
    perHostRate: '对同一网站每秒请求数，均匀间隔',
    timeout: '单个请求的总超时，如 20s',
    retries: '网络错误、429 和 5xx 的重试次数',
    userAgent: '发送的 User-Agent 请求头',
    render: '用无界面 Chromium 渲染页面：auto（页面有加载内容的脚本且按 HTML 检查不通过时）、always 或 never',
    archive: '把每个响应、渲染后的页面和截图存入 DIR 中的 WARC 文件，并写出 index.json',
    proxy: '通过此代理发送请求（覆盖 HTTP_PROXY/HTTPS_PROXY；NO_PROXY 仍然有效）',
    insecure: '接受无效的 TLS 证书，但仍作为警告报告',
    ca: '另外信任此 PEM 文件中的根证书（可重复）',
    certExpiryDays: '证书在此天数内到期时发出警告（默认 30）',
    maxTime: '整次运行的时间上限，到时停止并报告已检查的结果，如 30m（默认 2h）',
    blockPrivate: '拒绝回环、内网和链路本地地址（DNS 解析后及每次重定向都检查），用于不可信的评估表',
    resume: '从结果暂存文件继续被中断的运行：已核查的佐证不再重新请求',
    import: '由已发布的自评表（网页、文本、.docx 或 .xlsx；文件或 http(s) 地址）生成评估表配置文件',
    importSource: '已发布的自评表：文件路径，或网页、文件的 http(s) 地址',
    importOutput: '将配置写入 FILE（原子写入），而不是标准输出',
    importTitle: '评估表标题（来源中没有标题或需另行指定时）',
    importMaxAge: '为所有链接设置时效：news（14 天）、notice（180 天）、statutory（365 天）或时长',
    importForce: '--output 文件已存在时覆盖',
    shard: '只核查第 I 片（共 N 片，从 1 编号）的佐证：按主机名哈希分片，同一主机只在一片中；auto 读取 GitLab 的 CI_NODE_INDEX/CI_NODE_TOTAL 或 Kubernetes 的 JOB_COMPLETION_INDEX',
    shardTotal: '与 --shard auto 和 Kubernetes 的 JOB_COMPLETION_INDEX（从 0 编号）一起使用：分片总数（Job 的 completions）',
    merge: '把各分片（--shard）的 JSON 报告合并为一份完整报告，重新计分并按 --fail-under/--fail-on/--baseline 决定退出码',
    mergeReports: '各分片用 --output 写出的 JSON 报告，每片一份',
    debug: '出现意外错误时显示堆栈',
    version: '显示版本号',
    help: '显示帮助',
    exitCodes: `
退出码：
  0    通过：全部指标通过，或满足 --fail-under / --fail-on 的要求
  1    未达标：有指标未通过、得分低于 --fail-under，或触发 --fail-on 条件
  2    命令或评分标准文件有误（未发出请求），或报告无法写入
  3    程序内部错误（请加 --debug 重新运行并报告）
  130  被中断（Ctrl-C、SIGTERM）；已写出部分报告，并标记为不完整
`,
  },
  progress: {
    failed: (n) => `${n} 个失败`,
    slowest: (host, left) => `最慢：${host}（剩 ${left} 个）`,
    eta(ms) {
      if (ms === undefined || !Number.isFinite(ms)) return `预计 ${UNKNOWN}`;
      const { h, m, s } = clock(ms);
      if (h > 0) return `预计 ${h} 小时 ${pad2(m)} 分`;
      if (m > 0) return `预计 ${m} 分 ${pad2(s)} 秒`;
      return `预计 ${s} 秒`;
    },
    hostDone: ({ host, urls, failed, ms }) => `站点 ${host} 完成：${urls} 个链接，${failed} 个失败，用时 ${seconds(ms)} 秒`,
    interrupted({ shown, moreHosts, hosts, urls }) {
      const list = shown.map(({ host, left }) => `${host}（剩 ${left} 个）`).join('、');
      const more = moreHosts > 0 ? `，另有 ${moreHosts} 个站点` : '';
      return `已中断：${hosts} 个站点未完成，${urls} 个链接未核查：${list}${more}`;
    },
  },
  notify: {
    passed: '核查通过',
    failed: '核查未通过',
    regressed: '出现新的未通过项',
    interrupted: '核查未完成即被停止',
    heading: (title, status) => `${title}：${status}`,
    score: (score, maxScore) => `得分：${score} / ${maxScore}`,
    delta: (signed) => `（较上次 ${signed}）`,
    unchanged: '（与上次持平）',
    counts: (pass, fail, unverified) => `指标：${pass} 项通过，${fail} 项未通过，${unverified} 项无法核验`,
    newlyFailing: (count) => `新出现的问题（${count} 项）`,
    problems: '主要问题',
    fixed: (count) => `已恢复（${count} 项）`,
    item: (id, title, reason) => `${id} ${title}${reason ? `：${reason}` : ''}`,
    more: (count) => `…… 另有 ${count} 项`,
    report: (path) => `报告：${path}`,
  },
};

const STATUS_NAMES: Record<number, string> = {
  403: '禁止访问', 404: '页面不存在', 410: '已删除', 429: '请求过多', 500: '服务器内部错误', 502: '网关错误', 503: '服务不可用', 504: '网关超时',
};
