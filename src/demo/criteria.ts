/**
 * Criteria YAML for `audit demo`: a small self-assessment table (自评表) whose
 * evidence links point at the local demo site (see ./site.ts), chosen so that a
 * demo run shows every verdict: pass, fail and unverified.
 *
 * The table is a template: `{{origin}}` stands for the site's origin (no trailing slash). It is
 * YAML, not HTML, and the origin is a plain http://127.0.0.1:port address, so it is not escaped.
 */
const TEMPLATE = `# 演示用自评表 / demo self-assessment table
# 所有链接都指向本机演示站点 {{origin}}，用于展示各种检查结果。
# Every URL points at the local demo site, so the run shows pass / fail / unverified.
version: 1
title: 演示站点自评表(demo)

# 全局设置 / global settings:
#   concurrency 同时检查的链接数; per_host_* 对同一网站的并发与每秒请求上限;
#   timeout 单个请求超时; retries 遇到 429/503/网络错误时的重试次数.
settings: { concurrency: 8, per_host_concurrency: 4, per_host_rate: 20, timeout: 2s, retries: 2 }

# 默认值, 可在任意层级覆盖 / defaults, overridable at any level of the tree.
defaults:
  status: [200-299]          # 视为正常的 HTTP 状态码 / acceptable final HTTP status

# 指标树: 分组可以嵌套, 叶子指标列出证据链接; 同级权重之和等于上级权重.
# Indicator tree: groups nest, leaves carry evidence; child weights sum to the parent.
indicators:
  - id: "一"
    title: 基础信息公开
    weight: 40
    max_age: notice          # 时效要求向下继承 / inherited: notice = 180 天内有更新
    indicators:
      - id: "一.1"
        title: 财政预决算公开
        weight: 15
        requirement: 及时公开市直部门预算、决算信息，栏目持续更新。
        evidence:
          - title: 预决算专题
            url: {{origin}}/list/fresh
            # any = 至少出现其一; none = 出现即判为不合格
            # any = at least one must appear; none = must not appear
            keywords: { any: [预算, 决算], none: [页面不存在] }
          - title: 预决算专题（旧地址，已跳转）
            url: {{origin}}/redirect/a           # 301 → 302 → /list/fresh, 跟随跳转后再检查
            keywords: [预算]               # 列表形式 = 全部必须出现 / list = all must match

      - id: "一.2"
        title: 发展规划
        weight: 10
        requirement: 公开国民经济和社会发展规划、专项规划。
        evidence:
          - title: 发展规划栏目
            url: {{origin}}/list/stale           # 最新一条是两年前 → 超过 notice 时限, 不合格
            keywords: [规划]

      - id: "一.3"
        title: 政府信息公开指南
        weight: 10
        requirement: 公开并及时更新本机关政府信息公开指南。
        max_age: statutory       # 365 天 / 365 days
        evidence:
          - title: 财政局信息公开指南
            url: {{origin}}/nodate                # 页面上找不到任何日期 → 无法证明时效
            keywords: [信息公开指南]

      - id: "一.4"
        title: 法定主动公开内容
        weight: 5
        requirement: 信息公开目录栏目能正常展示公开条目。
        evidence:
          - title: 信息公开目录（财政资金）
            url: {{origin}}/script-filled         # 列表由脚本从 /site/label/ 加载 → 直接读取该列表, 无需浏览器
            keywords: [预算]

  - id: "二"
    title: 政策解读与回应关切
    weight: 35
    indicators:
      - id: "二.1"
        title: 政策解读
        weight: 15
        requirement: 重要政策文件同步发布解读材料。
        max_age: notice
        evidence:
          - title: 营商环境政策解读
            url: {{origin}}/article/meta          # 日期来自 <meta name="PubDate">
            keywords: [解读]
            # selector: "#zoom"             # 可选: 只在正文区域内查找关键词 / optional: search only inside this element

      - id: "二.2"
        title: 回应关切
        weight: 10
        requirement: 对社会关注热点及时回应。
        max_age: news            # 14 天 / 14 days
        evidence:
          - title: 回应关切栏目
            url: {{origin}}/flaky/429             # 首次请求返回 429, 按 Retry-After 重试后成功
            keywords: [回应]

      - id: "二.3"
        title: 政策文件链接有效性
        weight: 10
        requirement: 自评表引用的政策文件链接应真实有效。
        evidence:
          - title: 政策文件（已删除）
            url: {{origin}}/soft404               # 返回 200 但页面提示“不存在或已被删除” → 软 404
          - title: 政策文件（旧链接）
            url: {{origin}}/gone                  # HTTP 404
          - title: 政策文件库入口
            url: {{origin}}/redirect/loop         # 循环跳转 / redirect loop

  - id: "三"
    title: 专题专栏与互动平台
    weight: 25
    indicators:
      - id: "三.1"
        title: 疫情防控专题
        weight: 10
        requirement: 专题栏目及时发布疫情防控信息。
        max_age: 30d             # 也可直接写时长: 14d | 2w | 6mo | 1y | P6M
        evidence:
          - title: 疫情防控专栏
            url: {{origin}}/gbk/list              # GB18030 编码页面, 响应头声明 gb2312
            keywords: [疫情]

      - id: "三.2"
        title: 政府信息公开工作年度报告
        weight: 10
        requirement: 按时发布政府信息公开工作年度报告。
        max_age: statutory
        evidence:
          - title: 年度报告
            url: {{origin}}/gzip                  # gzip 压缩传输
            keywords: ["/年度报告|工作报告/"]  # /.../ 为正则表达式 / slashes = regular expression

      - id: "三.3"
        title: 互动交流平台
        weight: 5
        requirement: 互动交流平台可正常访问。
        evidence:
          - title: 政民互动平台
            url: {{origin}}/botwall/rs            # 被网站安全防护（瑞数）拦截 → 无法核验, 需人工查看
`;

export function demoCriteria(origin: string): string {
  const o = origin.replace(/\/+$/, '');
  return TEMPLATE.replaceAll('{{origin}}', () => o);
}
