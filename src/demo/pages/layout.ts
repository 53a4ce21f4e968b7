/**
 * The demo site's shared page chrome: header, navigation, breadcrumb, footer with 主办单位 /
 * 版权所有 / ICP, and the column-list, article and error-page frames the pages fill in.
 *
 * NOTE: the chrome deliberately contains no dates and none of the topic keywords (预算, 决算, 解读,
 * 规划, 疫情, 文件, 回应, 信息公开指南 ...), so that keyword and freshness checks only ever see the
 * page-specific content.
 *
 * What these functions return is still a template: the dates in it are `{{…}}` placeholders
 * (see ../template.ts), filled when a site starts. Titles, crumbs and bodies are markup and are
 * inserted as they are.
 */

export const SITE_NAME = '淮南市人民政府';

export interface PageSpec {
  title: string;
  /** The whole <title>, when it is not `title_网站名` (the home page's). */
  fullTitle?: string;
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

export function page(spec: PageSpec): string {
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
  <title>${spec.fullTitle ?? `${spec.title}_${SITE_NAME}`}</title>
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

/** One entry of a column list: title (markup), link, and its date as a placeholder name such as `fresh-6d`. */
export type ListItem = readonly [title: string, href: string, date: string];

export function listBody(column: string, intro: string, items: readonly ListItem[]): string {
  const lis = items
    .map(([title, href, date]) => `        <li><a href="${href}" target="_blank">${title}</a><span>[{{${date}}}]</span></li>`)
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

export function articleBody(opts: { heading: string; info: string; content: string; extra?: string }): string {
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

export function errorPage(code: number, message: string): string {
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
