import { isMap, isScalar, isSeq } from 'yaml';
import type { Node, YAMLMap } from 'yaml';
// From its own module, not notify/index.js: that one also brings the sender, and with it undici,
// which loading a criteria file (`audit validate`) has no use for.
import { parseNotifyTarget } from '../../notify/targets.js';
import { defaultSettings, parseSetting, SETTING_RULES, type SettingRule } from '../settings.js';
import type { HostSettings, Settings } from '../../model/criteria.js';
import { readRenderMode } from './checks.js';
import type { ReadContext } from './context.js';
import { HOST_KEYS, SETTINGS_KEYS } from './keys.js';
import { optionalString, readBoolean, readStringList } from './scalars.js';
import { describe, detach } from './values.js';

// `settings:`, the run's, and `hosts:`, each host's own; the numeric ones follow SETTING_RULES, as the flags do.

/** The numeric settings a host may set for itself, overriding the run's. */
const HOST_RULES = SETTING_RULES.filter((r) => r.key === 'per_host_rate' || r.key === 'per_host_concurrency');

/** `settings:`, over the defaults; a bad value is reported and the default kept. */
export function readSettings(ctx: ReadContext, node: Node | undefined): Settings {
  const settings = defaultSettings();
  if (node === undefined) return settings;
  if (!isMap(node)) {
    ctx.report(ctx.at(node), 'settings must be a mapping', 'indent keys such as `concurrency: 8` under settings:');
    return settings;
  }
  ctx.checkKeys(node, SETTINGS_KEYS, 'in settings');
  for (const rule of SETTING_RULES) {
    const value = readNumber(ctx, node, rule);
    if (value !== undefined) settings[rule.field] = value;
  }
  settings.userAgent = optionalString(ctx, node, 'user_agent') ?? settings.userAgent;
  settings.soft404Phrases = readStringList(ctx, node, 'soft_404_phrases') ?? [];
  settings.notify = readNotifyTargets(ctx, node);
  settings.blockPrivate = readBoolean(ctx, node, 'block_private') ?? false;
  // Added to the defaults: a file cannot switch off the redaction of well-known credentials.
  settings.redact = [...new Set([...settings.redact, ...(readStringList(ctx, node, 'redact') ?? []).map((name) => name.toLowerCase())])];
  return settings;
}

/** A numeric setting under its key, by its rule; undefined when absent or, reported, not a value the rule allows. */
function readNumber(ctx: ReadContext, map: YAMLMap, rule: SettingRule): number | undefined {
  const value = map.get(rule.key, true) as Node | undefined;
  if (value === undefined) return undefined;
  const parsed = parseSetting(rule, isScalar(value) ? value.value : describe(value));
  if ('value' in parsed) return parsed.value;
  ctx.report(ctx.at(value), `${rule.key} ${parsed.problem}`, `use a value such as ${rule.key}: ${rule.example}`);
  return undefined;
}

/** `notify:` webhooks, each checked as --notify checks one. */
function readNotifyTargets(ctx: ReadContext, settings: YAMLMap): string[] {
  const specs = readStringList(ctx, settings, 'notify') ?? [];
  const list = settings.get('notify', true);
  specs.forEach((spec, i) => {
    const parsed = parseNotifyTarget(spec);
    if ('problem' in parsed) ctx.report(ctx.at(isSeq(list) ? (list.items[i] as Node) : settings), parsed.problem, 'see "Notifications" in docs/reports.md');
  });
  return specs;
}

/** `hosts:`, by host name as in the URL (lower-case, with :port when not the default). */
export function readHosts(ctx: ReadContext, node: Node | undefined): Record<string, HostSettings> {
  const hosts: Record<string, HostSettings> = {};
  if (node === undefined) return hosts;
  if (!isMap(node)) {
    ctx.report(ctx.at(node), 'hosts must be a mapping from host name to its settings', 'write hosts: { "www.example.gov.cn": { insecure: true } }');
    return hosts;
  }
  for (const pair of node.items) {
    const name = isScalar(pair.key) && (typeof pair.key.value === 'string' || typeof pair.key.value === 'number')
      ? String(pair.key.value).trim().toLowerCase() : '';
    if (!/^[a-z0-9.-]+(:\d+)?$/.test(name)) {
      ctx.report(ctx.at(pair.key as Node), `hosts: ${JSON.stringify(name)} is not a host name`, 'write the host as in the URL, e.g. www.huainan.gov.cn');
      continue;
    }
    const value = pair.value as Node;
    if (!isMap(value)) {
      ctx.report(ctx.at(value ?? (pair.key as Node)), `hosts: settings for ${name} must be a mapping`, 'e.g. { insecure: true, per_host_rate: 1 }');
      continue;
    }
    hosts[name] = readHost(ctx, value);
  }
  return hosts;
}

function readHost(ctx: ReadContext, map: YAMLMap): HostSettings {
  ctx.checkKeys(map, HOST_KEYS, 'in a host');
  const host: HostSettings = { headers: readStringMap(ctx, map, 'headers'), cookies: readStringMap(ctx, map, 'cookies') };
  for (const rule of HOST_RULES) {
    const value = readNumber(ctx, map, rule);
    if (value !== undefined) host[rule.field as 'perHostRate' | 'perHostConcurrency'] = value;
  }
  const insecure = readBoolean(ctx, map, 'insecure');
  if (insecure !== undefined) {
    host.insecure = insecure;
  }
  const render = readRenderMode(ctx, map);
  if (render) host.render = render;
  return host;
}

/** `headers:` or `cookies:`, names to one-line values. */
function readStringMap(ctx: ReadContext, map: YAMLMap, key: string): Record<string, string> {
  const node = map.get(key, true) as Node | undefined;
  const out: Record<string, string> = {};
  if (node === undefined) return out;
  if (!isMap(node)) {
    ctx.report(ctx.at(node), `${key} must be a mapping of names to values`, `write ${key}: { Name: value }`);
    return out;
  }
  for (const pair of node.items) {
    const name = isScalar(pair.key) ? String(pair.key.value) : '';
    const value = isScalar(pair.value) ? pair.value.value : undefined;
    // Header names and values travel on the wire: refuse what would break or smuggle a request.
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) || (typeof value !== 'string' && typeof value !== 'number') || /[\r\n\0]/.test(String(value))) {
      ctx.report(ctx.at(pair.key as Node), `${key}: ${JSON.stringify(name)} needs a plain name and a one-line text value`, `write ${key}: { Name: value }`);
      continue;
    }
    out[name] = detach(String(value));
  }
  return out;
}
