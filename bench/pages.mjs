// Government-style pages for the benchmark: a column list of dated items, wrapped in the navigation,
// scripts and styles that real 政务公开 sites carry. Deterministic, so every run parses the same bytes.
import iconv from 'iconv-lite';

const TOPICS = ['政务公开', '财政预算', '政策解读', '通知公告', '人事信息', '建议提案办理', '规划计划', '统计数据', '重大建设项目', '公共资源配置'];
const VERBS = ['关于印发', '关于做好', '关于开展', '关于公布', '关于进一步加强'];
const DAY_MS = 86_400_000;

/**
 * One list page of about `items` entries. The newest entry is dated `newest` (a Date), older ones
 * step back a day or two at a time, as a busy column does.
 */
export function listPage({ items, newest, charset = 'utf-8', seed = 1 }) {
  const rows = [];
  let day = newest.getTime();
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648);
  for (let i = 0; i < items; i++) {
    const topic = TOPICS[next() % TOPICS.length];
    const verb = VERBS[next() % VERBS.length];
    const date = new Date(day).toISOString().slice(0, 10);
    rows.push(`<li class="clearfix"><a href="/public/${6596035 + i}/${next()}.html" target="_blank" title="${verb}${topic}工作方案的通知">${verb}${topic}工作方案的通知</a><span class="date">${date}</span></li>`);
    if (next() % 3 === 0) day -= DAY_MS;
  }
  const nav = TOPICS.map((t, i) => `<li><a href="/content/column/${250911260 + i}">${t}</a></li>`).join('');
  const html = `<!DOCTYPE html>
<html lang="zh-CN"><head>
<meta http-equiv="Content-Type" content="text/html; charset=${charset}">
<meta name="SiteName" content="淮南市人民政府"><meta name="ColumnName" content="通知公告">
<title>通知公告_淮南市人民政府</title>
<link rel="stylesheet" href="/static/css/common.css">
<style>${'.clearfix:after{content:"";display:block;clear:both}.list li{line-height:36px;border-bottom:1px dashed #ddd}'.repeat(20)}</style>
<script>${'var _hmt=_hmt||[];(function(){var hm=document.createElement("script");hm.src="/static/js/stat.js";})();'.repeat(30)}</script>
</head><body>
<div class="header"><div class="logo"><img src="/static/images/logo.png" alt="淮南市人民政府"></div>
<ul class="nav">${nav}</ul></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/public/">政务公开</a> &gt; 通知公告</div>
<div class="main"><div class="column-title"><h2>通知公告</h2></div>
<ul class="list">${rows.join('\n')}</ul>
<div class="page">共${items}条 <a href="?page=2">下一页</a> <a href="?page=${Math.ceil(items / 20)}">尾页</a></div></div>
<div class="footer"><p>主办：淮南市人民政府办公室 承办：淮南市数据资源管理局</p><p>皖ICP备05003258号 皖公网安备 34040202000123号</p>
<script>${'document.write(unescape("%3Cspan id=\'_ideConac\' %3E%3C/span%3E"));'.repeat(10)}</script></div>
</body></html>`;
  return charset.toLowerCase() === 'utf-8' ? Buffer.from(html, 'utf8') : iconv.encode(html, charset);
}

/** A mix of sizes (100–300 KB) and encodings, a third of them GBK, as on real provincial sites. */
export function pageSet(newest) {
  return [
    { items: 420, charset: 'utf-8' },
    { items: 650, charset: 'utf-8' },
    { items: 800, charset: 'gbk' },
    { items: 1100, charset: 'utf-8' },
    { items: 1300, charset: 'gbk' },
    { items: 550, charset: 'utf-8' },
  ].map((spec, i) => ({ ...spec, body: listPage({ ...spec, newest, seed: i + 1 }) }));
}

export const NOT_FOUND_PAGE = Buffer.from('<!DOCTYPE html><html><head><meta charset="utf-8"><title>404 页面不存在</title></head><body><h1>抱歉，您访问的页面不存在</h1><p><a href="/">返回首页</a></p></body></html>');
