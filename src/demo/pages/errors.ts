/**
 * The demo site's answers that are not the content asked for: a soft 404, the 404 / 500 / 429 /
 * 503 error pages, the bot walls (瑞数 412, 加速乐 521, a slider captcha at 200) and the redirect
 * page. None has a date; the redirect page's target is the placeholder `{{to}}` (see ../template.ts).
 */
import { errorPage, page } from './layout.js';

export const soft404 = page({
  title: '提示信息',
  crumbs: ['提示信息'],
  body: `    <div class="error-box">
      <img src="/assets/images/error.png" alt="提示">
      <p class="error-text">您访问的页面不存在或已被删除</p>
      <p><a href="/">返回首页</a>　<a href="javascript:history.back()">返回上一页</a></p>
    </div>`,
});

export const notFound = errorPage(404, '抱歉，您访问的页面不存在或已被删除。');
export const serverError = errorPage(500, '服务器内部错误，请稍后再试。');
export const flaky429Busy = errorPage(429, '访问过于频繁，请稍后再试。');
export const flaky503Busy = errorPage(503, '服务暂时不可用，请稍后再试。');

// ---- bot walls
export const botwallRs = `<!DOCTYPE html>
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
export const botwallJsl = `<html><body><script>document.cookie=('_')+('_')+('j')+('s')+('l')+('_')+('c')+('l')+('e')+('a')+('r')+('a')+('n')+('c')+('e')+'=123';location.href=location.pathname</script><script>var __jsl_clearance_s='1700000000.123|0|abcdef';</script></body></html>
`;
export const captcha = `<!DOCTYPE html>
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

// ---- the body of every redirect (301 / 302), linking to its Location
export const redirect =
  '<html><head><title>页面跳转</title></head><body><a href="{{to}}">页面已跳转</a></body></html>\n';
