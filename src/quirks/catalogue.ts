/**
 * What government pages' scripts look like, as data: which ones can bring content the static
 * HTML does not have (loaders), and which fill nothing a check reads (widgets). The rule they
 * serve: a check that would fail on the static HTML of a page with a loader is not failed; the
 * page is rendered, or the check is unverified. A page whose scripts are all widgets is judged
 * on its HTML, so a stale column with only a visit counter still fails without a browser.
 *
 * To teach the auditor a new pattern, add a row here and a page that shows it to
 * test/cms-patterns/. Patterns are tested against inline script text or a script's src.
 */

export interface ScriptPattern {
  /** What the report says gave the page away, e.g. "$.ajax" or "百度统计". */
  name: string;
  pattern: RegExp;
}

/** Inline calls that fetch or write content. */
export const LOADER_CALLS: readonly ScriptPattern[] = [
  { name: 'XMLHttpRequest', pattern: /\bXMLHttpRequest\b|\bActiveXObject\s*\(/ },
  { name: 'fetch()', pattern: /(?<![\w.$])fetch\s*\(/ },
  { name: '$.ajax', pattern: /(?:\$|\bjQuery)\s*\.\s*(?:ajax|get|post|getJSON|getScript)\s*\(/ },
  { name: '.load()', pattern: /\.load\s*\(\s*['"`]/ },
  { name: 'axios', pattern: /\baxios\s*[.(]/ },
  { name: 'JSONP', pattern: /\bjsonp\b|callback=\?/i },
  { name: 'Vue', pattern: /\bnew\s+Vue\s*\(|\bcreateApp\s*\(/ },
];

/** Calls that write markup or add scripts: loaders too, unless the script is a widget below. */
export const WRITER_CALLS: readonly ScriptPattern[] = [
  { name: 'document.write', pattern: /document\s*\.\s*write(?:ln)?\s*\(/ },
  { name: 'script injection', pattern: /createElement\s*\(\s*['"]script['"]\s*\)/ },
];

/**
 * Widgets that fill nothing a check reads. A writer call in a script that is one of these, or a
 * loader call whose address names one (a counter's $.get("/visitcount.jsp")), is not a loader.
 */
export const WIDGETS: readonly ScriptPattern[] = [
  { name: '百度统计', pattern: /hm\.baidu\.com|\b_hmt\b/ },
  { name: 'CNZZ', pattern: /cnzz\.com|\bCNZZ/i },
  { name: '51la', pattern: /51\.la\b/ },
  { name: 'Google Analytics', pattern: /google-analytics\.com|googletagmanager\.com|\bgtag\s*\(/ },
  { name: '党政机关标识', pattern: /conac\.cn|_ideConac/ },
  { name: '网站找错', pattern: /jiucuo|pucha\.kaipuyun\.cn/ },
  { name: 'share buttons', pattern: /bdshare|share\.baidu\.com|jiathis|bShare|addthis/i },
  { name: 'font-size switcher', pattern: /doZoom|setFontSize|fontZoom|changeFont|字号/i },
  { name: 'visit counter', pattern: /(?:visit|click|web|page|hit)count|\/count(?:er)?\b|\/(?:visit|hits|stat|tongji)\b|pageview|点击量|访问量|浏览次数/i },
  { name: 'accessibility toolbar', pattern: /barrier\.?free|\bwza\b|无障碍|cniil/i },
  { name: 'pagination', pattern: /上一页|下一页|尾页/ },
];

/** External scripts whose name says they load or render content. Other external scripts are libraries and widgets. */
export const LOADER_SCRIPTS: readonly ScriptPattern[] = [
  { name: 'axios', pattern: /axios(?:\.min)?\.js/i },
  { name: 'Vue', pattern: /\bvue(?:[.-][\w.]*)?\.js/i },
  { name: 'React', pattern: /\breact(?:-dom)?(?:[.-][\w.]*)?\.js/i },
  { name: 'Angular', pattern: /\bangular(?:[.-][\w.]*)?\.js/i },
  { name: 'TRS API', pattern: /trsapi/i },
  { name: 'ajax.js', pattern: /\/(?:ajax|api)(?:\.min)?\.js/i },
];

/**
 * Hanweb's jpage renders the list embedded in the page and fetches only later pages through
 * /module/web/jpage/dataproxy.jsp. Once the embedded list is read it adds nothing to page one.
 */
export const EMBEDDED_LIST_RENDERERS: readonly ScriptPattern[] = [
  { name: 'Hanweb jpage', pattern: /jpage|dataproxy\.jsp/i },
];

/** `<script type>`s a browser does not run: data a script on the page turns into content. */
export const DATA_SCRIPT_TYPES = /^(?:text|application)\/(?:xml|html|template|x-template|x-jquery-tmpl|x-handlebars-template|json)$/;

/** A template with these is filled from elsewhere; without them, the block is the content itself. */
export const TEMPLATE_PLACEHOLDER = /\{\{|<%|\$\{/;

/** Anhui's 政务公开 platform: column lists come from /site/label/<id>?IsAjax=1&labelName=publicInfoList… */
export const LABEL_PATH = /\/site\/label\/\d+/;
