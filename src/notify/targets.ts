import type { NotifyKind, NotifyTarget } from './types.js';

/*
 * A notify target is written  [KIND:]URL[#secret=SECRET]
 *
 *   KIND    dingtalk | wecom | feishu | json. Without it the kind comes from the host:
 *           oapi.dingtalk.com → dingtalk, qyapi.weixin.qq.com → wecom,
 *           open.feishu.cn and open.larksuite.com → feishu, any other host → json.
 *   URL     the webhook address, http or https, exactly as the robot's settings page shows it.
 *   SECRET  the signing secret of a DingTalk robot (加签, "SEC…") or a Feishu bot (签名校验),
 *           in the URL fragment. A fragment is never sent over the wire, so the secret stays out
 *           of the robot server's URL and of proxies' logs; only the signature travels. Escape a
 *           "%" in a secret as %25. Nothing else may follow "#".
 *
 *   dingtalk:https://oapi.dingtalk.com/robot/send?access_token=abc#secret=SEC123
 *   https://open.feishu.cn/open-apis/bot/v2/hook/0f1e…#secret=q8Lk…
 *   https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…
 *   json:https://ops.example.org/hooks/audit
 */

export const NOTIFY_KINDS: readonly NotifyKind[] = ['dingtalk', 'wecom', 'feishu', 'json'];

const KIND_NAMES: Record<NotifyKind, string> = { dingtalk: 'DingTalk', wecom: 'WeCom', feishu: 'Feishu', json: 'JSON' };

const HOSTS: Record<string, NotifyKind> = {
  'oapi.dingtalk.com': 'dingtalk',
  'qyapi.weixin.qq.com': 'wecom',
  'open.feishu.cn': 'feishu',
  'open.larksuite.com': 'feishu',
};

const SIGNING_KINDS: ReadonlySet<NotifyKind> = new Set(['dingtalk', 'feishu']);

/** Whitespace, and the invisible spaces that text copied from web pages and chat apps carries. */
const INVISIBLE = /[\s\u00a0\u1680\u2000-\u200f\u202f\u205f\u3000\ufeff]/;

const EXAMPLE = 'e.g. dingtalk:https://oapi.dingtalk.com/robot/send?access_token=…#secret=SEC…';

export function kindName(kind: NotifyKind): string {
  return KIND_NAMES[kind];
}

/** The kind a bare URL's host stands for. */
export function detectKind(url: URL): NotifyKind {
  return HOSTS[url.hostname.toLowerCase()] ?? 'json';
}

/** Parses a target as written on the command line or in `settings.notify` (syntax above). */
export function parseNotifyTarget(spec: string): NotifyTarget | { problem: string } {
  const trimmed = spec.trim();
  if (!trimmed) return { problem: `notify target is empty (give a webhook URL, ${EXAMPLE})` };
  if (INVISIBLE.test(trimmed)) {
    return { problem: 'notify target contains a space or an invisible character (copy the webhook URL again)' };
  }

  let explicit: NotifyKind | undefined;
  let rest = trimmed;
  const prefix = /^([a-z][a-z0-9+.-]*):/i.exec(trimmed);
  const scheme = prefix?.[1]!.toLowerCase();
  if (prefix && scheme !== 'http' && scheme !== 'https') {
    if ((NOTIFY_KINDS as readonly string[]).includes(scheme!)) {
      explicit = scheme as NotifyKind;
      rest = trimmed.slice(prefix[0].length);
    } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed.slice(prefix[0].length))) {
      return { problem: `unknown notify kind "${prefix[1]}" (use dingtalk:, wecom:, feishu: or json:, or give the URL alone)` };
    } else {
      return { problem: `notify URL must use http or https, not ${scheme} (${EXAMPLE})` };
    }
  }

  const hash = rest.indexOf('#');
  const address = hash === -1 ? rest : rest.slice(0, hash);
  let secret: string | undefined;
  if (hash !== -1) {
    const fragment = rest.slice(hash + 1);
    const match = /^secret=(.*)$/.exec(fragment);
    if (!match) return { problem: 'notify target has an unexpected "#…" part (only #secret=SECRET may follow the URL)' };
    try {
      secret = decodeURIComponent(match[1]!);
    } catch {
      return { problem: 'notify secret has a malformed %-escape (write a "%" in the secret as %25)' };
    }
    if (!secret) return { problem: 'notify secret is empty (write #secret= followed by the robot\'s signing secret, or leave it out)' };
  }

  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return { problem: `notify target is not a valid URL (${EXAMPLE})` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { problem: `notify URL must use http or https, not ${url.protocol.slice(0, -1)} (${EXAMPLE})` };
  }
  if (!url.hostname) return { problem: `notify URL has no host (${EXAMPLE})` };

  const detected = detectKind(url);
  const kind = explicit ?? detected;
  if (explicit && detected !== 'json' && detected !== explicit) {
    return {
      problem: `${url.hostname} is a ${kindName(detected)} robot address, not ${explicit} (write ${detected}: or leave the prefix out)`,
    };
  }
  if (secret !== undefined && !SIGNING_KINDS.has(kind)) {
    return { problem: `${kindName(kind)} webhooks are not signed, so #secret= does not apply (remove it; only dingtalk and feishu take a secret)` };
  }
  return secret === undefined ? { kind, url: url.href } : { kind, url: url.href, secret };
}

/**
 * The target for logs and messages: the kind and the address with its tokens masked, since a
 * webhook's URL is itself a credential (access_token=, key=, the Feishu hook id). Never the secret.
 */
export function describeTarget(target: NotifyTarget): string {
  let shown: string;
  try {
    const url = new URL(target.url);
    const path = url.pathname
      .split('/')
      .map((segment) => (segment.length >= 16 ? '***' : segment))
      .join('/');
    const query = [...url.searchParams.keys()].map((key) => `${key}=***`).join('&');
    shown = `${url.origin}${path}${query ? `?${query}` : ''}`;
  } catch {
    shown = '(invalid URL)';
  }
  return `${target.kind} ${shown}${target.secret !== undefined ? ' (signed)' : ''}`;
}
