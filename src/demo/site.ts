/**
 * A local HTTP site that imitates Chinese government websites (政府网站).
 *
 * Used by the test suite and by `audit demo`. Every route reproduces one
 * real-world behaviour the auditor has to cope with: column lists with dates,
 * PubDate meta tags, GBK/GB18030 pages, soft 404s, bot walls (瑞数 / 加速乐 /
 * slider captcha), flaky 429/503 responses, slow servers, resets, redirect
 * loops, script-filled columns, gzip and very large pages.
 *
 * The server only ever listens on 127.0.0.1 with an ephemeral port.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import iconv from 'iconv-lite';
import { cstParts, daysBefore, demoDates, formatCnDate, formatDate, formatDateTime, type DemoDates } from './dates.js';

export { demoDates, formatCnDate, formatDate, formatDateTime, type DemoDates } from './dates.js';

export interface DemoSiteOptions {
  /** Dates shown on pages are computed relative to this instant (default: new Date()). */
  now?: Date;
  /** Delay used by /slow and /slow-body, in milliseconds (default 3000). */
  slowMs?: number;
}

export interface DemoRequest {
  method: string;
  /** Request target as received, including the query string. */
  path: string;
  /** Date.now() when the request arrived. */
  at: number;
  userAgent?: string;
}

export interface DemoSite {
  /** e.g. http://127.0.0.1:12345 */
  origin: string;
  requests: DemoRequest[];
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------
// Page template: header, navigation, breadcrumb, footer with 主办单位 / 版权所有 / ICP.
// NOTE: the template deliberately contains no dates and none of the topic
// keywords (预算, 决算, 解读, 规划, 疫情, 文件, 回应, 信息公开指南 ...), so that
// keyword and freshness checks only ever see the page-specific content.
// ---------------------------------------------------------------------------

const SITE_NAME = '淮南市人民政府';

interface PageSpec {
  title: string;
  /** Breadcrumb trail after 首页. */
  crumbs?: string[];
  /** Main content HTML. */
  body: string;
  /** Extra <head> markup (meta tags etc.). */
  head?: string;
  /** Charset declaration in <head>; defaults to `<meta charset="utf-8">`. Empty string = none. */
  charsetMeta?: string;
  /** Override the main navigation HTML. */
  nav?: string;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const DEFAULT_NAV = `<div class="nav">
      <ul class="nav-list clearfix">
        <li class="on"><a href="/">首页</a></li>
        <li><a href="/public/column/6596035?type=4&amp;action=list">政务公开</a></li>
        <li><a href="/zwfw/index.html">政务服务</a></li>
        <li><a href="/hdjl/index.html">互动交流</a></li>
        <li><a href="/sjkf/index.html">数据开放</a></li>
        <li><a href="/zjhn/index.html">走进淮南</a></li>
      </ul>
    </div>`;

function page(spec: PageSpec): string {
  const charsetMeta = spec.charsetMeta ?? '<meta charset="utf-8">';
  const crumbs = (spec.crumbs ?? [])
    .map((c) => ` &gt; <span>${c}</span>`)
    .join('');
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
  ${charsetMeta}
  <meta http-equiv="X-UA-Compatible" content="IE=edge">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <title>${spec.title}_${SITE_NAME}</title>
  <meta name="SiteName" content="${SITE_NAME}">
  <meta name="SiteDomain" content="www.huainan.gov.cn">
  <meta name="SiteIDCode" content="3404000001">
  ${spec.head ?? ''}
  <link rel="stylesheet" href="/assets/css/common.css">
  <script src="/assets/js/jquery.min.js"></script>
</head>
<body>
  <div class="top-bar">
    <div class="container">
      <span class="welcome">欢迎访问${SITE_NAME}门户网站</span>
      <span class="top-links"><a href="/wza/index.html">无障碍浏览</a> | <a href="/zhmobile/index.html">手机版</a> | <a href="/english/index.html">English</a></span>
    </div>
  </div>
  <div class="header">
    <div class="container">
      <a class="logo" href="/"><img src="/assets/images/logo.png" alt="${SITE_NAME}"></a>
      <form class="search" action="/search/index.html" method="get">
        <input type="text" name="q" placeholder="请输入关键字">
        <button type="submit">搜索</button>
      </form>
    </div>
  </div>
  ${spec.nav ?? DEFAULT_NAV}
  <div class="container main">
    <div class="position">当前位置：<a href="/">首页</a>${crumbs}</div>
${spec.body}
  </div>
  <div class="footer">
    <div class="container">
      <p class="footer-links"><a href="/site/map.html">网站地图</a> | <a href="/site/contact.html">联系我们</a> | <a href="/site/statement.html">网站声明</a> | <a href="/site/help.html">使用帮助</a></p>
      <p>主办单位：淮南市人民政府办公室　承办单位：淮南市数据资源管理局</p>
      <p>版权所有：淮南市人民政府　地址：安徽省淮南市山南新区市政府办公大楼　邮编：232001</p>
      <p><a href="https://beian.miit.gov.cn/" target="_blank">皖ICP备05003640号</a>　<a href="http://www.beian.gov.cn/" target="_blank">皖公网安备 34040202000001号</a>　网站标识码：3404000001</p>
      <p><a href="https://zfwzgl.www.gov.cn/exposure/jiucuo.html?site_code=3404000001" target="_blank"><img src="/assets/images/jiucuo.png" alt="政府网站找错"></a></p>
    </div>
  </div>
</body>
</html>
`;
}

interface ListItem {
  title: string;
  date: Date;
  href: string;
}

function listBody(column: string, intro: string, items: ListItem[]): string {
  const lis = items
    .map((it) => `        <li><a href="${it.href}" target="_blank">${it.title}</a><span>[${formatDate(it.date)}]</span></li>`)
    .join('\n');
  return `    <div class="column-left">
      <h3>政务公开</h3>
      <ul class="sub-nav">
        <li><a href="/public/column/6596035?type=4&amp;action=list&amp;nav=1">机构职能</a></li>
        <li><a href="/public/column/6596035?type=4&amp;action=list&amp;nav=2">法定主动公开内容</a></li>
        <li class="on"><a href="#">${column}</a></li>
      </ul>
    </div>
    <div class="column-right">
      <div class="column-title"><h2>${column}</h2></div>
      <p class="column-intro">${intro}</p>
      <ul class="doc-list">
${lis}
      </ul>
      <div class="pagination">共 ${items.length} 条记录　<a href="#">首页</a> <a href="#">上一页</a> <span class="current">1</span> <a href="#">下一页</a> <a href="#">尾页</a></div>
    </div>`;
}

function articleBody(opts: { heading: string; info: string; content: string; extra?: string }): string {
  return `    <div class="article">
      <h1 class="article-title">${opts.heading}</h1>
      <div class="article-info">${opts.info}</div>
      <div class="article-content" id="zoom">
${opts.content}
      </div>
      <div class="article-tools"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
${opts.extra ?? ''}
    </div>`;
}

function errorPage(code: number, message: string): string {
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8">
  <title>${code} - ${SITE_NAME}</title>
  <style>body{font-family:"Microsoft YaHei",sans-serif;text-align:center;padding-top:80px;color:#333}h1{font-size:64px;color:#c00}</style>
</head>
<body>
  <h1>${code}</h1>
  <p>${message}</p>
  <p><a href="/">返回首页</a></p>
  <p class="copyright">版权所有：${SITE_NAME}　皖ICP备05003640号</p>
</body>
</html>
`;
}

// ---------------------------------------------------------------------------
// Page content
// ---------------------------------------------------------------------------

const HTML_UTF8 = 'text/html; charset=utf-8';

interface Pages {
  home: string;
  listFresh: string;
  listStale: string;
  articleMeta: string;
  articleCnDate: string;
  gbkList: Buffer;
  gbkMeta: Buffer;
  nodate: string;
  lastModified: string;
  future: string;
  soft404: string;
  underConstruction: string;
  notFound: string;
  serverError: string;
  botwallRs: string;
  botwallJsl: string;
  captcha: string;
  flaky429Busy: string;
  flaky429: string;
  flaky503Busy: string;
  flaky503: string;
  slow: string;
  slowBody: string;
  scriptFilled: string;
  /** What /site/label/ answers the script-filled column: the list a browser would show. */
  labelList: string;
  gzip: Buffer;
  keywords: string;
  redirect: (to: string) => string;
}

function buildPages(dates: DemoDates): Pages {
  const { fresh, recent, stale, future } = dates;

  // ---- home -------------------------------------------------------------
  const homeLinks: [string, string][] = [
    ['/list/fresh', '财政预决算栏目'],
    ['/list/stale', '发展规划栏目'],
    ['/article/meta', '政策解读文章'],
    ['/article/cn-date', '中文日期文章'],
    ['/gbk/list', '疫情防控栏目'],
    ['/gbk/meta', '办公室信息公开指南'],
    ['/nodate', '政府信息公开指南（无日期）'],
    ['/last-modified', '仅响应头含更新时间的页面'],
    ['/future', '十四五规划纲要'],
    ['/soft404', '已删除的页面'],
    ['/under-construction', '建设中的栏目'],
    ['/gone', '不存在的页面'],
    ['/server-error', '服务器错误页面'],
    ['/botwall/rs', '安全防护页面（一）'],
    ['/botwall/jsl', '安全防护页面（二）'],
    ['/botwall/captcha', '安全验证页面'],
    ['/flaky/429', '回应关切'],
    ['/flaky/503', '政策文件库'],
    ['/slow', '响应缓慢的页面'],
    ['/slow-body', '传输缓慢的页面'],
    ['/reset', '连接被重置的页面'],
    ['/redirect/a', '跳转页面'],
    ['/redirect/loop', '循环跳转页面'],
    ['/script-filled', '脚本加载的信息公开栏目'],
    ['/gzip', '压缩传输的页面'],
    ['/big', '超大页面'],
    ['/keywords', '关键词测试页面'],
  ];
  const home = page({
    title: '首页',
    body: `    <div class="home-banner"><img src="/assets/images/banner.jpg" alt="魅力淮南"></div>
    <div class="home-block">
      <h2>网站导航</h2>
      <ul class="home-links">
${homeLinks.map(([href, text]) => `        <li><a href="${href}">${text}</a></li>`).join('\n')}
      </ul>
    </div>`,
  }).replace(`<title>首页_${SITE_NAME}</title>`, `<title>${SITE_NAME}</title>`);

  // ---- /list/fresh: 财政预决算 -------------------------------------------
  const budgetDepartments = [
    '市财政局', '市教育局', '市公安局', '市民政局', '市司法局', '市人力资源和社会保障局',
    '市自然资源和规划局', '市生态环境局', '市住房和城乡建设局', '市交通运输局', '市农业农村局',
    '市商务局', '市文化和旅游局', '市卫生健康委员会', '市应急管理局', '市审计局',
    '市市场监督管理局', '市统计局', '市医疗保障局', '市数据资源管理局',
  ];
  const freshItems: ListItem[] = budgetDepartments.map((dept, i) => {
    // newest = fresh (now − 3d), then every 3 days back to now − 60d
    const date = daysBefore(fresh, i * 3);
    let title: string;
    if (dept === '市审计局') {
      // keyword split across tags
      title = `${dept}部门<b>预</b>算公开`;
    } else if (i % 2 === 0) {
      title = `${dept}部门预算公开`;
    } else {
      title = `${dept}部门决算公开`;
    }
    return { title, date, href: `/public/6596035/${1100000 + i}.html` };
  });
  const listFresh = page({
    title: '财政预决算',
    crumbs: ['政务公开', '法定主动公开内容', '财政预决算'],
    body: listBody('财政预决算', '本栏目公开市直各部门预算、决算及“三公”经费等信息。', freshItems),
  });

  // ---- /list/stale: 发展规划 ---------------------------------------------
  const planTitles = [
    '淮南市国民经济和社会发展第十四个五年规划纲要',
    '淮南市国土空间总体规划公示',
    '淮南市综合交通运输发展规划',
    '淮南市生态环境保护规划',
    '淮南市城市绿地系统规划',
    '淮南市教育事业发展规划',
    '淮南市卫生健康事业发展规划',
    '淮南市文化旅游发展规划',
    '淮南市现代物流业发展规划',
    '淮南市农业农村现代化规划',
    '淮南市养老服务体系建设规划',
    '淮南市应急体系建设规划',
    '淮南市数字政府建设规划',
    '淮南市水资源综合规划',
    '淮南市能源发展规划',
    '淮南市科技创新发展规划',
    '淮南市就业促进规划',
    '淮南市市场监管规划',
    '淮南市住房发展规划',
    '淮南市全民健身实施规划',
  ];
  const staleItems: ListItem[] = planTitles.map((title, i) => ({
    title,
    date: daysBefore(stale, i * 9),
    href: `/public/6596035/${1200000 + i}.html`,
  }));
  const listStale = page({
    title: '发展规划',
    crumbs: ['政务公开', '法定主动公开内容', '发展规划'],
    body: listBody('发展规划', '本栏目公开本市国民经济和社会发展规划、专项规划等信息。', staleItems),
  });

  // ---- /article/meta: 政策解读 with PubDate meta ---------------------------
  const articleMeta = page({
    title: '《淮南市优化营商环境若干措施》政策解读',
    crumbs: ['政务公开', '政策解读'],
    head: `<meta name="ArticleTitle" content="《淮南市优化营商环境若干措施》政策解读">
  <meta name="PubDate" content="${formatDateTime(fresh)}">
  <meta name="ContentSource" content="淮南市人民政府办公室">
  <meta name="ColumnName" content="政策解读">
  <meta name="ColumnType" content="政策解读">`,
    nav: `<div class="nav">
      <ul class="nav-list clearfix">
        <li><a href="/">首页</a></li>
        <li class="on"><a href="/2019/0101/c1001.html">政务公开</a></li>
        <li><a href="/2020/0315/c1002.html">政务服务</a></li>
        <li><a href="/2018/0620/c1003.html">互动交流</a></li>
        <li><a href="/2017/1108/c1004.html">走进淮南</a></li>
      </ul>
    </div>`,
    body: articleBody({
      heading: '《淮南市优化营商环境若干措施》政策解读',
      info: `<span>发布时间:${formatDateTime(fresh)}</span>　<span>来源：淮南市人民政府办公室</span>　<span>浏览次数：<em id="hits">1280</em></span>`,
      content: `        <p>为深入贯彻落实国家和省关于优化营商环境的决策部署，市政府办公室印发了《淮南市优化营商环境若干措施》。现就有关内容解读如下。</p>
        <p><strong>一、起草背景</strong></p>
        <p>近年来，我市持续深化“放管服”改革，营商环境不断改善，但与市场主体的期待相比仍有差距。</p>
        <p><strong>二、主要内容</strong></p>
        <p>《措施》共分为五个部分二十条，重点围绕提升政务服务效能、降低企业经营成本、强化要素保障等方面提出具体举措。</p>
        <p><strong>三、解读机关及联系方式</strong></p>
        <p>解读机关：淮南市人民政府办公室　联系电话：0554-6671234</p>`,
      extra: `      <div class="related">
        <h4>相关链接</h4>
        <ul>
          <li><a href="/2019/0101/c2001.html">《淮南市优化营商环境若干措施》全文</a></li>
          <li><a href="/2021/0705/c2002.html">图解：营商环境二十条</a></li>
          <li><a href="/content/2018-06-15/c2003.html">市政府常务会议审议相关事项</a></li>
        </ul>
      </div>`,
    }),
  });

  // ---- /article/cn-date: Chinese-format date only --------------------------
  const cnDate = formatCnDate(recent);
  const articleCnDate = page({
    title: '淮南市开展政务公开专项检查工作',
    crumbs: ['政务公开', '工作动态'],
    head: `<meta name="ArticleTitle" content="淮南市开展政务公开专项检查工作">
  <meta name="PubDate" content="${cnDate}">
  <meta name="ContentSource" content="淮南市政务公开办">`,
    body: articleBody({
      heading: '淮南市开展政务公开专项检查工作',
      info: `<span>发布日期:${cnDate}</span>　<span>信息来源：淮南市政务公开办</span>`,
      content: `        <p>为进一步提升政务公开标准化规范化水平，市政务公开办组织开展政务公开专项检查，对各县区、市直各部门网站栏目更新情况进行逐一核查。</p>
        <p>检查发现的问题已以清单形式反馈相关单位，要求限期整改到位。</p>`,
    }),
  });

  // ---- /gbk/list: 疫情防控, GB18030 bytes, header says gb2312 ---------------
  const epidemicTitles = [
    '关于进一步优化疫情防控措施的通告',
    '疫情防控常态化工作提示',
    '关于做好冬春季疫情防控工作的通知',
    '疫情防控知识问答',
    '关于表彰疫情防控先进个人刘䶮等同志的通报',
    '疫情防控政策咨询电话公布',
    '关于调整疫情防控有关措施的公告',
    '疫情防控志愿者招募公告',
    '疫情防控物资保障情况通报',
    '疫情防控重点场所管理指引',
  ];
  const gbkItems: ListItem[] = epidemicTitles.map((title, i) => ({
    title,
    date: daysBefore(fresh, i * 5),
    href: `/public/6596035/${1300000 + i}.html`,
  }));
  const gbkListHtml = page({
    title: '疫情防控',
    charsetMeta: '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">',
    crumbs: ['专题专栏', '疫情防控'],
    body: listBody(
      '疫情防控',
      // 㛃 (U+36C3) is a genuine 4-byte GB18030 sequence (82 30 B7 31) that no GBK table can decode.
      '本栏目发布本市疫情防控相关信息。栏目联系人：张㛃。',
      gbkItems,
    ),
  });
  const gbkList = iconv.encode(gbkListHtml, 'gb18030');

  // ---- /gbk/meta: GBK bytes, charset only in <meta http-equiv> -------------
  const gbkMetaHtml = page({
    title: '淮南市人民政府办公室政府信息公开指南',
    charsetMeta: '<meta http-equiv="Content-Type" content="text/html; charset=gbk">',
    crumbs: ['政务公开', '政府信息公开指南'],
    body: articleBody({
      heading: '淮南市人民政府办公室政府信息公开指南',
      info: `<span>发布日期：${formatDate(recent)}</span>　<span>来源：淮南市人民政府办公室</span>`,
      content: `        <p>为了更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》，编制本信息公开指南。</p>
        <p>一、主动公开：公开范围、公开形式和公开时限。</p>
        <p>二、依申请公开：申请人可以通过当面提交、邮寄、网上申请等方式提出政府信息公开申请。</p>
        <p>三、监督和救济：公民、法人或者其他组织认为行政机关在政府信息公开工作中侵犯其合法权益的，可以依法申请行政复议或者提起行政诉讼。</p>`,
    }),
  });
  const gbkMeta = iconv.encode(gbkMetaHtml, 'gbk');

  // ---- /nodate: 政府信息公开指南 without any date ---------------------------
  const nodate = page({
    title: '淮南市财政局政府信息公开指南',
    crumbs: ['政务公开', '政府信息公开指南'],
    body: articleBody({
      heading: '淮南市财政局政府信息公开指南',
      info: '<span>来源：淮南市财政局</span>',
      content: `        <p>为了更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》，结合本机关实际，编制本政府信息公开指南。</p>
        <p><strong>一、主动公开</strong></p>
        <p>本机关主动公开的政府信息，通过门户网站、政务新媒体、政府公报等形式予以公开，自该信息形成或者变更之日起20个工作日内公开。</p>
        <p><strong>二、依申请公开</strong></p>
        <p>受理机构：淮南市财政局办公室　办公时间：工作日上午8:30-12:00，下午14:30-17:30</p>
        <p>联系电话：0554-6678123　邮政编码：232001</p>
        <p><strong>三、监督和救济</strong></p>
        <p>申请人认为本机关在政府信息公开工作中侵犯其合法权益的，可以向上一级行政机关或者政府信息公开工作主管部门投诉、举报。</p>`,
    }),
  });

  // ---- /last-modified: no date in HTML -------------------------------------
  const lastModified = page({
    title: '机构职能',
    crumbs: ['政务公开', '机构职能'],
    body: articleBody({
      heading: '淮南市人民政府办公室机构职能',
      info: '<span>来源：淮南市人民政府办公室</span>',
      content: `        <p>主要职责：负责市政府会议的组织工作，协助市政府领导同志组织起草或审核以市政府、市政府办公室名义发布的公文。</p>
        <p>内设机构：秘书科、综合科、督查科、政务公开科。</p>`,
    }),
  });

  // ---- /future: 十四五规划 with future dates --------------------------------
  const future_ = page({
    title: '淮南市国民经济和社会发展第十四个五年规划纲要',
    crumbs: ['政务公开', '发展规划'],
    body: articleBody({
      heading: '淮南市国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要',
      info: `<span>发布时间：${formatDate(stale)}</span>　<span>来源：淮南市发展和改革委员会</span>`,
      content: `        <p>十四五规划是开启全面建设社会主义现代化国家新征程的第一个五年规划。</p>
        <p>展望2035年，我市将基本实现社会主义现代化，经济实力、科技实力、综合竞争力大幅跃升。</p>
        <p>规划确定的重点项目原则上应于2030-12-31前全部建成投运。</p>
        <p>规划中期评估报告将于${formatDate(future)}前报送市人大常委会审议。</p>`,
    }),
  });

  // ---- soft 404 / under construction / 404 / 500 ----------------------------
  const soft404 = page({
    title: '提示信息',
    crumbs: ['提示信息'],
    body: `    <div class="error-box">
      <img src="/assets/images/error.png" alt="提示">
      <p class="error-text">您访问的页面不存在或已被删除</p>
      <p><a href="/">返回首页</a>　<a href="javascript:history.back()">返回上一页</a></p>
    </div>`,
  });
  const underConstruction = page({
    title: '重点领域信息公开',
    crumbs: ['政务公开', '重点领域信息公开'],
    body: `    <div class="column-right">
      <div class="column-title"><h2>重点领域信息公开</h2></div>
      <div class="empty-tip">栏目建设中</div>
    </div>`,
  });
  const notFound = errorPage(404, '抱歉，您访问的页面不存在或已被删除。');
  const serverError = errorPage(500, '服务器内部错误，请稍后再试。');

  // ---- bot walls --------------------------------------------------------------
  const botwallRs = `<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta http-equiv="Expires" content="0">
<meta http-equiv="Pragma" content="no-cache">
<meta http-equiv="Cache-control" content="no-cache">
<meta http-equiv="Cache" content="no-cache">
<meta id="9DhefwqGPrzGxEp9hPaoag" content="7nKqJGXdxM8dV1rF2ZpQe0wL3bYcTtUa" r="m">
</head>
<body>
<script>$_ts=window['$_ts'];if(!$_ts)$_ts=window['$_ts']={};$_ts.nsd=12345;</script><script src="/abc.js"></script>
</body>
</html>
`;
  const botwallJsl = `<html><body><script>document.cookie=('_')+('_')+('j')+('s')+('l')+('_')+('c')+('l')+('e')+('a')+('r')+('a')+('n')+('c')+('e')+'=123';location.href=location.pathname</script><script>var __jsl_clearance_s='1700000000.123|0|abcdef';</script></body></html>
`;
  const captcha = `<!DOCTYPE html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8">
  <title>安全验证</title>
  <style>.slider-captcha{width:320px;margin:60px auto;text-align:center}.slider-track{height:40px;background:#eee;position:relative}.slider-handle{width:40px;height:40px;background:#1e6fd9;position:absolute;left:0;top:0}</style>
</head>
<body>
  <div class="verify-wrap">
    <h2>访问异常</h2>
    <p>您的访问存在异常，请完成安全验证后继续访问。</p>
    <div class="slider-captcha" id="captcha">
      <p>请完成安全验证</p>
      <div class="slider-track"><div class="slider-handle" id="sliderHandle"></div></div>
      <p class="tip">请按住滑块，拖动到最右边</p>
    </div>
  </div>
  <script src="/waf/captcha.js"></script>
</body>
</html>
`;

  // ---- flaky pages ------------------------------------------------------------
  const flaky429Busy = errorPage(429, '访问过于频繁，请稍后再试。');
  const flaky429 = page({
    title: '回应关切',
    crumbs: ['互动交流', '回应关切'],
    body: articleBody({
      heading: '关于市民反映老旧小区改造进度问题的回应',
      info: `<span>发布时间：${formatDate(fresh)}</span>　<span>来源：淮南市住房和城乡建设局</span>`,
      content: `        <p>近期，有市民通过政务服务便民热线反映部分老旧小区改造进度较慢。现回应如下：</p>
        <p>市住房和城乡建设局已会同相关县区对改造项目逐一排查，督促施工单位倒排工期，确保按期完工。</p>`,
    }),
  });
  const flaky503Busy = errorPage(503, '服务暂时不可用，请稍后再试。');
  const flaky503 = page({
    title: '政策文件库',
    crumbs: ['政务公开', '政策文件库'],
    body: articleBody({
      heading: '淮南市人民政府关于印发淮南市数字政府建设实施方案的通知',
      info: `<span>发布日期：${formatDate(recent)}</span>　<span>文号：淮府〔${cstParts(recent).y}〕12号</span>`,
      content: `        <p>各县、区人民政府，市政府各部门、各直属机构：</p>
        <p>现将《淮南市数字政府建设实施方案》印发给你们，请认真贯彻执行。本文件自印发之日起施行。</p>`,
    }),
  });

  // ---- slow -----------------------------------------------------------------
  const slow = page({
    title: '工作动态',
    crumbs: ['政务公开', '工作动态'],
    body: articleBody({
      heading: '市政府召开常务会议',
      info: `<span>发布时间：${formatDate(fresh)}</span>`,
      content: '        <p>市政府召开常务会议，研究部署近期重点工作。</p>',
    }),
  });
  const slowBody = page({
    title: '工作动态',
    crumbs: ['政务公开', '工作动态'],
    body: articleBody({
      heading: '全市安全生产工作会议召开',
      info: `<span>发布时间：${formatDate(fresh)}</span>`,
      content: '        <p>全市安全生产工作会议召开，会议总结了前一阶段工作，安排部署下一阶段任务。</p>',
    }),
  });

  // ---- /script-filled: Anhui 政务公开 platform column filled by AJAX ----------
  const scriptFilled = page({
    title: '法定主动公开内容',
    crumbs: ['政务公开', '法定主动公开内容'],
    body: `    <div class="column-left">
      <h3>信息公开目录</h3>
      <ul class="sub-nav" id="xxgk_catalog">
        <li><a href="/public/column/6596035?type=4&amp;catId=7001&amp;action=list">机构职能</a></li>
        <li><a href="/public/column/6596035?type=4&amp;catId=7002&amp;action=list">法规文件</a></li>
        <li class="on"><a href="/public/column/6596035?type=4&amp;catId=7003&amp;action=list">财政资金</a></li>
        <li><a href="/public/column/6596035?type=4&amp;catId=7004&amp;action=list">人事信息</a></li>
      </ul>
    </div>
    <div class="column-right">
      <div class="column-title"><h2>财政资金</h2></div>
      <div id="xxgk_lmcon"><ul class="clearfix xxgk_nav_list"></ul></div>
      <div class="loading">正在加载……</div>
      <div id="page_public_info"></div>
    </div>
    <script>
      $(function () {
        $.ajax({
          url: '/site/label/8888?IsAjax=1&dataType=html&labelName=publicInfoList&siteId=6596035&pageSize=15&pageIndex=1&action=list&catId=7003',
          type: 'get',
          dataType: 'html',
          success: function (html) {
            $('#xxgk_lmcon ul').html(html);
            $('.loading').hide();
          }
        });
      });
    </script>`,
  });

  // ---- /gzip -------------------------------------------------------------------
  const gzipHtml = page({
    title: '政府信息公开工作年度报告',
    crumbs: ['政务公开', '政府信息公开工作年度报告'],
    body: articleBody({
      heading: '淮南市人民政府政府信息公开工作年度报告',
      info: `<span>发布时间：${formatDate(fresh)}</span>　<span>来源：淮南市人民政府办公室</span>`,
      content: `        <p>本报告根据《中华人民共和国政府信息公开条例》要求编制，全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况等内容。</p>`,
    }),
  });
  const gzip = gzipSync(Buffer.from(gzipHtml, 'utf8'));

  // ---- /keywords -------------------------------------------------------------
  const keywords = page({
    title: '关键词测试',
    crumbs: ['政务公开', '关键词测试'],
    head: `<style>.a{content:"样式关键词"}</style>
  <script>var x="隐藏关键词";</script>`,
    body: `    <div class="side-nav">导航栏目</div>
    <!-- 注释关键词 -->
    <template>模板关键词</template>
    <div class="article-info"><span>发布时间：${formatDate(fresh)}</span></div>
    <p class="summary">预\u3000算</p>
    <p class="summary">决&nbsp;算</p>
    <div id="content">正文 财政 公开</div>`,
  });

  const redirect = (to: string): string =>
    `<html><head><title>页面跳转</title></head><body><a href="${esc(to)}">页面已跳转</a></body></html>\n`;

  return {
    home,
    listFresh,
    listStale,
    articleMeta,
    articleCnDate,
    gbkList,
    gbkMeta,
    nodate,
    lastModified,
    future: future_,
    soft404,
    underConstruction,
    notFound,
    serverError,
    botwallRs,
    botwallJsl,
    captcha,
    flaky429Busy,
    flaky429,
    flaky503Busy,
    flaky503,
    slow,
    slowBody,
    scriptFilled,
    labelList: `<div class="xxgk_navli"><span class="mc"><a href="/public/6596035/1001.html">淮南市财政局2026年部门预算公开</a></span><span class="date">${formatDate(fresh)}</span></div>`,
    gzip,
    keywords,
    redirect,
  };
}

// ---------------------------------------------------------------------------
// /big: ~12 MB streamed in chunks
// ---------------------------------------------------------------------------

const BIG_TARGET_BYTES = 12 * 1024 * 1024;

function bigHead(dates: DemoDates): string {
  return page({
    title: '财政预算执行情况',
    crumbs: ['政务公开', '财政预决算'],
    body: `    <div class="article">
      <h1 class="article-title">淮南市财政预算执行情况</h1>
      <div class="article-info"><span>发布时间：${formatDate(dates.fresh)}</span></div>
      <div class="article-content" id="zoom">
        <p>本页公开市级财政预算执行情况明细表。</p>
<!--FILLER-->
      </div>
    </div>`,
  });
}

function makeFillerChunk(): Buffer {
  const row = '        <p class="row">本行为明细表填充数据，用于模拟体量很大的页面，内容无实际意义。</p>\n';
  const rows: string[] = [];
  let size = 0;
  const rowBytes = Buffer.byteLength(row);
  while (size + rowBytes <= 64 * 1024) {
    rows.push(row);
    size += rowBytes;
  }
  return Buffer.from(rows.join(''), 'utf8');
}

async function streamBig(res: ServerResponse, head: string, filler: Buffer): Promise<void> {
  const marker = '<!--FILLER-->';
  const idx = head.indexOf(marker);
  const before = Buffer.from(head.slice(0, idx), 'utf8');
  const after = Buffer.from(head.slice(idx + marker.length), 'utf8');
  const waitDrain = (): Promise<void> =>
    new Promise((resolve) => {
      const done = (): void => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });

  let sent = 0;
  const write = async (chunk: Buffer): Promise<boolean> => {
    if (res.destroyed || res.writableEnded) return false;
    sent += chunk.length;
    if (!res.write(chunk)) await waitDrain();
    return !res.destroyed;
  };

  if (!(await write(before))) return;
  while (sent + filler.length + after.length <= BIG_TARGET_BYTES) {
    if (!(await write(filler))) return;
  }
  if (!res.destroyed) res.end(after);
}

// ---------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------

export async function startDemoSite(options: DemoSiteOptions = {}): Promise<DemoSite> {
  const now = options.now ?? new Date();
  const slowMs = options.slowMs ?? 3000;
  const dates = demoDates(now);
  const pages = buildPages(dates);
  const bigPage = bigHead(dates);
  const bigFiller = makeFillerChunk();

  const requests: DemoRequest[] = [];
  const hits = new Map<string, number>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const later = (ms: number, fn: () => void): void => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  const send = (
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    body: string | Buffer,
    headers: Record<string, string> = {},
  ): void => {
    const buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    res.writeHead(status, {
      'Content-Type': HTML_UTF8,
      'Content-Length': String(buf.length),
      ...headers,
    });
    if (req.method === 'HEAD') res.end();
    else res.end(buf);
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const rawPath = req.url ?? '/';
    requests.push({
      method: req.method ?? 'GET',
      path: rawPath,
      at: Date.now(),
      ...(req.headers['user-agent'] !== undefined ? { userAgent: req.headers['user-agent'] } : {}),
    });
    // Per-instance hit counter keyed by the full request path (including query).
    const hit = (hits.get(rawPath) ?? 0) + 1;
    hits.set(rawPath, hit);

    const q = rawPath.indexOf('?');
    const pathname = q === -1 ? rawPath : rawPath.slice(0, q);

    switch (pathname) {
      case '/':
      case '/index.html':
        return send(req, res, 200, pages.home);
      case '/list/fresh':
        return send(req, res, 200, pages.listFresh);
      case '/list/stale':
        return send(req, res, 200, pages.listStale);
      case '/article/meta':
        return send(req, res, 200, pages.articleMeta);
      case '/article/cn-date':
        return send(req, res, 200, pages.articleCnDate);
      case '/gbk/list':
        return send(req, res, 200, pages.gbkList, { 'Content-Type': 'text/html; charset=gb2312' });
      case '/gbk/meta':
        return send(req, res, 200, pages.gbkMeta, { 'Content-Type': 'text/html' });
      case '/nodate':
        return send(req, res, 200, pages.nodate);
      case '/last-modified':
        return send(req, res, 200, pages.lastModified, { 'Last-Modified': dates.fresh.toUTCString() });
      case '/future':
        return send(req, res, 200, pages.future);
      case '/soft404':
        return send(req, res, 200, pages.soft404);
      case '/under-construction':
        return send(req, res, 200, pages.underConstruction);
      case '/gone':
        return send(req, res, 404, pages.notFound);
      case '/server-error':
        return send(req, res, 500, pages.serverError);
      case '/botwall/rs':
        return send(req, res, 412, pages.botwallRs, {
          'Set-Cookie': 'FSSBBIl1UgzbN7N80S=xyz; path=/',
          'Cache-Control': 'no-cache, no-store',
        });
      case '/botwall/jsl':
        return send(req, res, 521, pages.botwallJsl, { 'Cache-Control': 'no-cache, no-store' });
      case '/botwall/captcha':
        return send(req, res, 200, pages.captcha);
      case '/flaky/429':
        if (hit === 1) return send(req, res, 429, pages.flaky429Busy, { 'Retry-After': '1' });
        return send(req, res, 200, pages.flaky429);
      case '/flaky/503':
        if (hit <= 2) return send(req, res, 503, pages.flaky503Busy);
        return send(req, res, 200, pages.flaky503);
      case '/slow':
        later(slowMs, () => {
          if (!res.destroyed) send(req, res, 200, pages.slow);
        });
        return;
      case '/slow-body': {
        const full = pages.slowBody;
        const mid = Math.floor(full.length / 2);
        const first = Buffer.from(full.slice(0, mid), 'utf8');
        const rest = Buffer.from(full.slice(mid), 'utf8');
        res.writeHead(200, {
          'Content-Type': HTML_UTF8,
          'Content-Length': String(first.length + rest.length),
        });
        if (req.method === 'HEAD') {
          res.end();
          return;
        }
        res.write(first);
        later(slowMs, () => {
          if (!res.destroyed) res.end(rest);
        });
        return;
      }
      case '/reset':
        req.socket.destroy();
        return;
      case '/redirect/a':
        return send(req, res, 301, pages.redirect('/redirect/b'), { Location: '/redirect/b' });
      case '/redirect/b':
        return send(req, res, 302, pages.redirect('/list/fresh'), { Location: '/list/fresh' });
      case '/redirect/loop':
        return send(req, res, 302, pages.redirect('/redirect/loop2'), { Location: '/redirect/loop2' });
      case '/redirect/loop2':
        return send(req, res, 302, pages.redirect('/redirect/loop'), { Location: '/redirect/loop' });
      case '/script-filled':
        return send(req, res, 200, pages.scriptFilled);
      case '/site/label/8888':
        return send(req, res, 200, pages.labelList);
      case '/gzip':
        return send(req, res, 200, pages.gzip, { 'Content-Encoding': 'gzip', Vary: 'Accept-Encoding' });
      case '/big':
        // Chunked transfer (no Content-Length), so size limits must be enforced while streaming.
        res.writeHead(200, { 'Content-Type': HTML_UTF8 });
        if (req.method === 'HEAD') {
          res.end();
          return;
        }
        void streamBig(res, bigPage, bigFiller).catch(() => {
          res.destroy();
        });
        return;
      case '/keywords':
        return send(req, res, 200, pages.keywords);
      default:
        return send(req, res, 404, pages.notFound);
    }
  };

  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch {
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': HTML_UTF8 });
        res.end(pages.serverError);
      } else {
        res.destroy();
      }
    }
  });

  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // Client aborts and resets are expected; never let them crash the process.
  server.on('clientError', (_err, socket) => {
    socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', onError);
      resolve();
    });
  });

  const address = server.address();
  if (address === null || typeof address === 'string') {
    server.close();
    throw new Error('demo site: unexpected server address');
  }
  const origin = `http://127.0.0.1:${address.port}`;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.close(() => resolve());
      server.closeAllConnections();
      for (const s of sockets) s.destroy();
      sockets.clear();
    });
    return closing;
  };

  return { origin, requests, close };
}
