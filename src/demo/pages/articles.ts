/**
 * The demo site's article pages: a date in a PubDate meta, a Chinese-format date, GBK bytes, no
 * date at all, a date only in Last-Modified, dates in the future, the pages behind the flaky and
 * slow routes, the gzip and keyword-placement pages, and the head of the 12 MB page.
 * Templates: dates are `{{…}}` placeholders (see ../template.ts).
 */
import { articleBody, page } from './layout.js';

// ---- /article/meta: 政策解读 with PubDate meta
export const articleMeta = page({
  title: '《淮南市优化营商环境若干措施》政策解读',
  crumbs: ['政务公开', '政策解读'],
  head: `<meta name="ArticleTitle" content="《淮南市优化营商环境若干措施》政策解读">
  <meta name="PubDate" content="{{fresh|datetime}}">
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
    info: `<span>发布时间:{{fresh|datetime}}</span>　<span>来源：淮南市人民政府办公室</span>　<span>浏览次数：<em id="hits">1280</em></span>`,
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

// ---- /article/cn-date: Chinese-format date only
export const articleCnDate = page({
  title: '淮南市开展政务公开专项检查工作',
  crumbs: ['政务公开', '工作动态'],
  head: `<meta name="ArticleTitle" content="淮南市开展政务公开专项检查工作">
  <meta name="PubDate" content="{{recent|cn}}">
  <meta name="ContentSource" content="淮南市政务公开办">`,
  body: articleBody({
    heading: '淮南市开展政务公开专项检查工作',
    info: `<span>发布日期:{{recent|cn}}</span>　<span>信息来源：淮南市政务公开办</span>`,
    content: `        <p>为进一步提升政务公开标准化规范化水平，市政务公开办组织开展政务公开专项检查，对各县区、市直各部门网站栏目更新情况进行逐一核查。</p>
        <p>检查发现的问题已以清单形式反馈相关单位，要求限期整改到位。</p>`,
  }),
});

// ---- /gbk/meta: GBK bytes, charset only in <meta http-equiv>
export const gbkMeta = page({
  title: '淮南市人民政府办公室政府信息公开指南',
  charsetMeta: '<meta http-equiv="Content-Type" content="text/html; charset=gbk">',
  crumbs: ['政务公开', '政府信息公开指南'],
  body: articleBody({
    heading: '淮南市人民政府办公室政府信息公开指南',
    info: `<span>发布日期：{{recent}}</span>　<span>来源：淮南市人民政府办公室</span>`,
    content: `        <p>为了更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》，编制本信息公开指南。</p>
        <p>一、主动公开：公开范围、公开形式和公开时限。</p>
        <p>二、依申请公开：申请人可以通过当面提交、邮寄、网上申请等方式提出政府信息公开申请。</p>
        <p>三、监督和救济：公民、法人或者其他组织认为行政机关在政府信息公开工作中侵犯其合法权益的，可以依法申请行政复议或者提起行政诉讼。</p>`,
  }),
});

// ---- /nodate: 政府信息公开指南 without any date
export const nodate = page({
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

// ---- /last-modified: no date in HTML
export const lastModified = page({
  title: '机构职能',
  crumbs: ['政务公开', '机构职能'],
  body: articleBody({
    heading: '淮南市人民政府办公室机构职能',
    info: '<span>来源：淮南市人民政府办公室</span>',
    content: `        <p>主要职责：负责市政府会议的组织工作，协助市政府领导同志组织起草或审核以市政府、市政府办公室名义发布的公文。</p>
        <p>内设机构：秘书科、综合科、督查科、政务公开科。</p>`,
  }),
});

// ---- /future: 十四五规划 with future dates
export const future = page({
  title: '淮南市国民经济和社会发展第十四个五年规划纲要',
  crumbs: ['政务公开', '发展规划'],
  body: articleBody({
    heading: '淮南市国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要',
    info: `<span>发布时间：{{stale}}</span>　<span>来源：淮南市发展和改革委员会</span>`,
    content: `        <p>十四五规划是开启全面建设社会主义现代化国家新征程的第一个五年规划。</p>
        <p>展望2035年，我市将基本实现社会主义现代化，经济实力、科技实力、综合竞争力大幅跃升。</p>
        <p>规划确定的重点项目原则上应于2030-12-31前全部建成投运。</p>
        <p>规划中期评估报告将于{{future}}前报送市人大常委会审议。</p>`,
  }),
});

// ---- /flaky/429 and /flaky/503, once they answer
export const flaky429 = page({
  title: '回应关切',
  crumbs: ['互动交流', '回应关切'],
  body: articleBody({
    heading: '关于市民反映老旧小区改造进度问题的回应',
    info: `<span>发布时间：{{fresh}}</span>　<span>来源：淮南市住房和城乡建设局</span>`,
    content: `        <p>近期，有市民通过政务服务便民热线反映部分老旧小区改造进度较慢。现回应如下：</p>
        <p>市住房和城乡建设局已会同相关县区对改造项目逐一排查，督促施工单位倒排工期，确保按期完工。</p>`,
  }),
});

export const flaky503 = page({
  title: '政策文件库',
  crumbs: ['政务公开', '政策文件库'],
  body: articleBody({
    heading: '淮南市人民政府关于印发淮南市数字政府建设实施方案的通知',
    info: `<span>发布日期：{{recent}}</span>　<span>文号：淮府〔{{recent|year}}〕12号</span>`,
    content: `        <p>各县、区人民政府，市政府各部门、各直属机构：</p>
        <p>现将《淮南市数字政府建设实施方案》印发给你们，请认真贯彻执行。本文件自印发之日起施行。</p>`,
  }),
});

// ---- /slow and /slow-body
export const slow = page({
  title: '工作动态',
  crumbs: ['政务公开', '工作动态'],
  body: articleBody({
    heading: '市政府召开常务会议',
    info: `<span>发布时间：{{fresh}}</span>`,
    content: '        <p>市政府召开常务会议，研究部署近期重点工作。</p>',
  }),
});
export const slowBody = page({
  title: '工作动态',
  crumbs: ['政务公开', '工作动态'],
  body: articleBody({
    heading: '全市安全生产工作会议召开',
    info: `<span>发布时间：{{fresh}}</span>`,
    content: '        <p>全市安全生产工作会议召开，会议总结了前一阶段工作，安排部署下一阶段任务。</p>',
  }),
});

// ---- /gzip: sent gzip-encoded
export const gzipPage = page({
  title: '政府信息公开工作年度报告',
  crumbs: ['政务公开', '政府信息公开工作年度报告'],
  body: articleBody({
    heading: '淮南市人民政府政府信息公开工作年度报告',
    info: `<span>发布时间：{{fresh}}</span>　<span>来源：淮南市人民政府办公室</span>`,
    content: `        <p>本报告根据《中华人民共和国政府信息公开条例》要求编制，全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况等内容。</p>`,
  }),
});

// ---- /keywords: the same words in places a keyword check must not look (style, script, comment, template)
export const keywords = page({
  title: '关键词测试',
  crumbs: ['政务公开', '关键词测试'],
  head: `<style>.a{content:"样式关键词"}</style>
  <script>var x="隐藏关键词";</script>`,
  body: `    <div class="side-nav">导航栏目</div>
    <!-- 注释关键词 -->
    <template>模板关键词</template>
    <div class="article-info"><span>发布时间：{{fresh}}</span></div>
    <p class="summary">预\u3000算</p>
    <p class="summary">决&nbsp;算</p>
    <div id="content">正文 财政 公开</div>`,
});

// ---- /big: this head, with the filler rows streamed in place of the marker to ~12 MB
export const FILLER_MARKER = '<!--FILLER-->';
export const big = page({
  title: '财政预算执行情况',
  crumbs: ['政务公开', '财政预决算'],
  body: `    <div class="article">
      <h1 class="article-title">淮南市财政预算执行情况</h1>
      <div class="article-info"><span>发布时间：{{fresh}}</span></div>
      <div class="article-content" id="zoom">
        <p>本页公开市级财政预算执行情况明细表。</p>
${FILLER_MARKER}
      </div>
    </div>`,
});
