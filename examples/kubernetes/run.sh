#!/usr/bin/env bash
# run.sh: one sharded audit on Kubernetes. It applies the shards' Indexed Job, waits until
# Kubernetes reports it finished, then applies the merge Job and waits for its verdict. It
# schedules nothing itself: Kubernetes runs, places and retries the pods. Run it from cron on
# any machine with kubectl access (or from a CronJob whose service account may create Jobs):
#
#   30 2 * * *  ops  /opt/evidence-audit/examples/kubernetes/run.sh >>/var/log/evidence-audit.log 2>&1
#
# Once per cluster, first: storage.yaml (the reports volume and the criteria ConfigMap).
#
# Exit code: the merge's (0 pass, 1 a regression since latest.json, 2 a shard's report is
# missing or refused, 130 a shard was interrupted), or 2 when the shards' Job failed.
#
#   NAMESPACE   where the Jobs run (default evidence-audit)
#   TIMEOUT     how long to wait for each Job, in seconds (default 10800, 3 hours)

set -euo pipefail
here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)
ns=${NAMESPACE:-evidence-audit}
timeout=${TIMEOUT:-10800}
run_id=$(date -u +%Y%m%d-%H%M%S)
# One moment for every shard, so freshness is judged as a single run would judge it.
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)

log() { printf '%s run.sh[%s]: %s\n' "$(date '+%Y-%m-%dT%H:%M:%S%z')" "$run_id" "$*"; }

render() { sed -e "s/__RUN_ID__/$run_id/g" -e "s/__AUDIT_NOW__/$now/g" "$here/$1"; }

# Prints Complete or Failed once the Job has one of those conditions.
wait_for() {
  local job=$1 waited=0 state=''
  while [[ $waited -lt $timeout ]]; do
    state=$(kubectl -n "$ns" get "job/$job" -o jsonpath='{range .status.conditions[?(@.status=="True")]}{.type}{" "}{end}')
    case " $state " in
      *" Complete "*) echo Complete; return ;;
      *" Failed "*)   echo Failed; return ;;
    esac
    sleep 30
    waited=$((waited + 30))
  done
  echo Timeout
}

log "starting shards: evidence-audit-shards-$run_id (now=$now)"
render shards-job.yaml | kubectl -n "$ns" apply -f -
shards=$(wait_for "evidence-audit-shards-$run_id")
if [[ $shards != Complete ]]; then
  log "shards: $shards; see: kubectl -n $ns describe job/evidence-audit-shards-$run_id"
  exit 2
fi

log "merging: evidence-audit-merge-$run_id"
render merge-job.yaml | kubectl -n "$ns" apply -f -
merge=$(wait_for "evidence-audit-merge-$run_id")
kubectl -n "$ns" logs "job/evidence-audit-merge-$run_id" || true
if [[ $merge == Complete ]]; then
  log "done: pass"
  exit 0
fi
code=$(kubectl -n "$ns" get pods -l "job-name=evidence-audit-merge-$run_id" \
  -o jsonpath='{.items[0].status.containerStatuses[0].state.terminated.exitCode}' 2>/dev/null || echo 2)
log "done: merge exited ${code:-2} ($merge)"
exit "${code:-2}"
