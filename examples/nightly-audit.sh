#!/usr/bin/env bash
# nightly-audit.sh: the nightly evidence audit, for cron (examples/crontab) or systemd
# (examples/systemd/). It compares tonight's report with last night's and exits with the
# audit's own code, so cron mail, systemd's "failed" state or your monitoring can act on it:
#
#   0    pass (no regression since last night)
#   1    the audit fell short: with --fail-on regression, an indicator that passed last
#        night fails tonight. latest.json/latest.html are written.
#   2    criteria or usage error: nothing was fetched, no new report
#   3    internal error in audit (re-run by hand with --debug)
#   130  interrupted (SIGINT, e.g. `systemctl stop` or a timeout): latest.json/latest.html
#        still hold the partial report, marked "complete": false
#
# Settings come from the environment (systemd: Environment=/EnvironmentFile=):
#   EVIDENCE_AUDIT_HOME        the checkout, after `npm ci` (default: the folder above this script)
#   EVIDENCE_AUDIT_CRITERIA    criteria file, relative to the checkout (default criteria.yaml)
#   EVIDENCE_AUDIT_NOTIFY_URL  DingTalk robot webhook; for a robot with 加签 append its secret:
#                              https://oapi.dingtalk.com/robot/send?access_token=…#secret=SEC…
#                              Keep it out of world-readable files (EnvironmentFile, mode 600)
#   STATE_DIRECTORY            where the reports go (systemd sets it from StateDirectory=)
#   CACHE_DIRECTORY            HTTP cache for conditional requests (systemd: CacheDirectory=)
#   NODE                       node binary (default: node on PATH)

set -euo pipefail
umask 022                                   # reports readable by e.g. a web server

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
checkout=${EVIDENCE_AUDIT_HOME:-$(dirname -- "$script_dir")}
criteria=${EVIDENCE_AUDIT_CRITERIA:-criteria.yaml}
state_dir=${STATE_DIRECTORY:-/var/lib/evidence-audit}
cache_dir=${CACHE_DIRECTORY:-/var/cache/evidence-audit}
node=${NODE:-node}
notify_url=${EVIDENCE_AUDIT_NOTIFY_URL:-https://oapi.dingtalk.com/robot/send?access_token=YOUR_ACCESS_TOKEN}

log() { printf '%s nightly-audit[%d]: %s\n' "$(date '+%Y-%m-%dT%H:%M:%S%z')" "$$" "$*"; }

cd -- "$checkout"
mkdir -p -- "$state_dir" "$cache_dir"

# 1. Rotate: last night's report becomes the baseline. Only a complete report is used:
#    a partial one (interrupted run, exit 130) or a truncated file would make every
#    evidence it never reached look "newly failing" or "fixed". In that case the older
#    previous.json stays the baseline. On the first night there is nothing to rotate.
latest=$state_dir/latest.json
previous=$state_dir/previous.json
if [[ -f $latest ]]; then
  if "$node" -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
                 process.exit(r.complete === false ? 1 : 0)' "$latest" 2>/dev/null; then
    cp -p -- "$latest" "$previous.tmp" && mv -f -- "$previous.tmp" "$previous"
  else
    log "last report $latest is partial or unreadable; keeping the older baseline"
  fi
fi

# 2. Build the command line.
args=(
  "$criteria"
  --cache "$cache_dir"                      # conditional requests: unchanged pages cost little
  --output "$state_dir/latest.json"         # machine-readable; tomorrow's baseline
  --output "$state_dir/latest.html"         # for people
  --fail-on regression                      # exit 1 only for what broke since last night
  --quiet                                   # the log gets this script's lines and errors only
)
if [[ -f $previous ]]; then
  args+=(--baseline "$previous")            # adds "changes": newly failing, fixed, score delta
fi
if [[ $notify_url != *YOUR_ACCESS_TOKEN* ]]; then
  # Post to the DingTalk group only when something regressed (fail|regression|always).
  args+=(--notify "$notify_url" --notify-on regression)
else
  log "EVIDENCE_AUDIT_NOTIFY_URL is not set; not notifying"
fi

# 3. Run. node runs bin/audit.js directly (that is what `npx audit` runs). Going through
#    npx would put npm in between, and npm forwards SIGINT to its child: on `systemctl
#    stop`, which signals every process of the service, audit would then get SIGINT twice,
#    and a second SIGINT quits at once, without the partial report. npm also wants a
#    writable ~/.npm, which ProtectSystem=strict does not give.
#    `|| rc=$?` keeps set -e from ending the script before the result is logged.
log "starting: $criteria in $checkout"
rc=0
"$node" bin/audit.js "${args[@]}" || rc=$?

case $rc in
  0)   log "done: pass; report in $state_dir/latest.html" ;;
  1)   log "done: regression since the previous run; report in $state_dir/latest.html" ;;
  2)   log "criteria or usage error; nothing was fetched. Check with: npx audit validate $criteria" ;;
  3)   log "internal error in audit; run it by hand with --debug and report the bug" ;;
  130) log "interrupted; the partial report is in $state_dir/latest.html" ;;
  *)   log "audit exited with unexpected code $rc" ;;
esac
exit "$rc"
