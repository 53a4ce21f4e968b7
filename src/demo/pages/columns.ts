/**
 * The demo site's column pages: the home page's link list, dated column lists (fresh, stale,
 * GB18030), the column a script fills and the label list that script fetches, and an empty
 * column. Templates: dates are `{{…}}` placeholders (see ../template.ts).
 */
import { listBody, page, SITE_NAME, type ListItem } from './layout.js';

const HOME_LINKS: readonly (readonly [href: string, text: string])[] = [
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

export const home = page({
  title: '首页',
  fullTitle: SITE_NAME,
  body: `    <div class="home-banner"><img src="/assets/images/banner.jpg" alt="魅力淮南"></div>
    <div class="home-block">
      <h2>网站导航</h2>
      <ul class="home-links">
${HOME_LINKS.map(([href, text]) => `        <li><a href="${href}">${text}</a></li>`).join('\n')}
      </ul>
    </div>`,
});

// ---- /list/fresh: 财政预决算, newest = fresh, then every 3 days back; one keyword split across tags
const FRESH_ITEMS: readonly ListItem[] = [
  ['市财政局部门预算公开', '/public/6596035/1100000.html', 'fresh'],
  ['市教育局部门决算公开', '/public/6596035/1100001.html', 'fresh-3d'],
  ['市公安局部门预算公开', '/public/6596035/1100002.html', 'fresh-6d'],
  ['市民政局部门决算公开', '/public/6596035/1100003.html', 'fresh-9d'],
  ['市司法局部门预算公开', '/public/6596035/1100004.html', 'fresh-12d'],
  ['市人力资源和社会保障局部门决算公开', '/public/6596035/1100005.html', 'fresh-15d'],
  ['市自然资源和规划局部门预算公开', '/public/6596035/1100006.html', 'fresh-18d'],
  ['市生态环境局部门决算公开', '/public/6596035/1100007.html', 'fresh-21d'],
  ['市住房和城乡建设局部门预算公开', '/public/6596035/1100008.html', 'fresh-24d'],
  ['市交通运输局部门决算公开', '/public/6596035/1100009.html', 'fresh-27d'],
  ['市农业农村局部门预算公开', '/public/6596035/1100010.html', 'fresh-30d'],
  ['市商务局部门决算公开', '/public/6596035/1100011.html', 'fresh-33d'],
  ['市文化和旅游局部门预算公开', '/public/6596035/1100012.html', 'fresh-36d'],
  ['市卫生健康委员会部门决算公开', '/public/6596035/1100013.html', 'fresh-39d'],
  ['市应急管理局部门预算公开', '/public/6596035/1100014.html', 'fresh-42d'],
  ['市审计局部门<b>预</b>算公开', '/public/6596035/1100015.html', 'fresh-45d'],
  ['市市场监督管理局部门预算公开', '/public/6596035/1100016.html', 'fresh-48d'],
  ['市统计局部门决算公开', '/public/6596035/1100017.html', 'fresh-51d'],
  ['市医疗保障局部门预算公开', '/public/6596035/1100018.html', 'fresh-54d'],
  ['市数据资源管理局部门决算公开', '/public/6596035/1100019.html', 'fresh-57d'],
];

export const listFresh = page({
  title: '财政预决算',
  crumbs: ['政务公开', '法定主动公开内容', '财政预决算'],
  body: listBody('财政预决算', '本栏目公开市直各部门预算、决算及“三公”经费等信息。', FRESH_ITEMS),
});

// ---- /list/stale: 发展规划, newest = stale (two years old), then every 9 days back
const STALE_ITEMS: readonly ListItem[] = [
  ['淮南市国民经济和社会发展第十四个五年规划纲要', '/public/6596035/1200000.html', 'stale'],
  ['淮南市国土空间总体规划公示', '/public/6596035/1200001.html', 'stale-9d'],
  ['淮南市综合交通运输发展规划', '/public/6596035/1200002.html', 'stale-18d'],
  ['淮南市生态环境保护规划', '/public/6596035/1200003.html', 'stale-27d'],
  ['淮南市城市绿地系统规划', '/public/6596035/1200004.html', 'stale-36d'],
  ['淮南市教育事业发展规划', '/public/6596035/1200005.html', 'stale-45d'],
  ['淮南市卫生健康事业发展规划', '/public/6596035/1200006.html', 'stale-54d'],
  ['淮南市文化旅游发展规划', '/public/6596035/1200007.html', 'stale-63d'],
  ['淮南市现代物流业发展规划', '/public/6596035/1200008.html', 'stale-72d'],
  ['淮南市农业农村现代化规划', '/public/6596035/1200009.html', 'stale-81d'],
  ['淮南市养老服务体系建设规划', '/public/6596035/1200010.html', 'stale-90d'],
  ['淮南市应急体系建设规划', '/public/6596035/1200011.html', 'stale-99d'],
  ['淮南市数字政府建设规划', '/public/6596035/1200012.html', 'stale-108d'],
  ['淮南市水资源综合规划', '/public/6596035/1200013.html', 'stale-117d'],
  ['淮南市能源发展规划', '/public/6596035/1200014.html', 'stale-126d'],
  ['淮南市科技创新发展规划', '/public/6596035/1200015.html', 'stale-135d'],
  ['淮南市就业促进规划', '/public/6596035/1200016.html', 'stale-144d'],
  ['淮南市市场监管规划', '/public/6596035/1200017.html', 'stale-153d'],
  ['淮南市住房发展规划', '/public/6596035/1200018.html', 'stale-162d'],
  ['淮南市全民健身实施规划', '/public/6596035/1200019.html', 'stale-171d'],
];

export const listStale = page({
  title: '发展规划',
  crumbs: ['政务公开', '法定主动公开内容', '发展规划'],
  body: listBody('发展规划', '本栏目公开本市国民经济和社会发展规划、专项规划等信息。', STALE_ITEMS),
});

// ---- /gbk/list: 疫情防控, served as GB18030 bytes while the header says gb2312
const EPIDEMIC_ITEMS: readonly ListItem[] = [
  ['关于进一步优化疫情防控措施的通告', '/public/6596035/1300000.html', 'fresh'],
  ['疫情防控常态化工作提示', '/public/6596035/1300001.html', 'fresh-5d'],
  ['关于做好冬春季疫情防控工作的通知', '/public/6596035/1300002.html', 'fresh-10d'],
  ['疫情防控知识问答', '/public/6596035/1300003.html', 'fresh-15d'],
  ['关于表彰疫情防控先进个人刘䶮等同志的通报', '/public/6596035/1300004.html', 'fresh-20d'],
  ['疫情防控政策咨询电话公布', '/public/6596035/1300005.html', 'fresh-25d'],
  ['关于调整疫情防控有关措施的公告', '/public/6596035/1300006.html', 'fresh-30d'],
  ['疫情防控志愿者招募公告', '/public/6596035/1300007.html', 'fresh-35d'],
  ['疫情防控物资保障情况通报', '/public/6596035/1300008.html', 'fresh-40d'],
  ['疫情防控重点场所管理指引', '/public/6596035/1300009.html', 'fresh-45d'],
];

export const gbkList = page({
  title: '疫情防控',
  charsetMeta: '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">',
  crumbs: ['专题专栏', '疫情防控'],
  body: listBody(
    '疫情防控',
    // 㛃 (U+36C3) is a genuine 4-byte GB18030 sequence (82 30 B7 31) that no GBK table can decode.
    '本栏目发布本市疫情防控相关信息。栏目联系人：张㛃。',
    EPIDEMIC_ITEMS,
  ),
});

// ---- /under-construction: an empty column
export const underConstruction = page({
  title: '重点领域信息公开',
  crumbs: ['政务公开', '重点领域信息公开'],
  body: `    <div class="column-right">
      <div class="column-title"><h2>重点领域信息公开</h2></div>
      <div class="empty-tip">栏目建设中</div>
    </div>`,
});

// ---- /script-filled: Anhui 政务公开 platform column filled by AJAX from /site/label/
export const scriptFilled = page({
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

/** What /site/label/ answers the script-filled column: the list a browser would show. */
export const labelList =
  '<div class="xxgk_navli"><span class="mc"><a href="/public/6596035/1001.html">淮南市财政局2026年部门预算公开</a></span><span class="date">{{fresh}}</span></div>';
