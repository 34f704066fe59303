#!/usr/bin/env bash
# Wait for the instance refresh a deploy started on an Auto Scaling group to end, and fail
# when it did not succeed. `pulumi up` returns once the group points at the new launch
# template version; the refresh that change starts replaces the servers afterwards, and the
# deploy job must not report success for servers that never came up.
#
#   SINCE=<time> scripts/wait-for-refresh.sh <auto-scaling-group-name> [timeout-seconds]
#
# SINCE (any time `date -d` reads, e.g. 2026-12-05T22:45:56Z) is when the deploy began: an
# older refresh is not this deploy's and counts as none. Exit 0: the refresh succeeded, or
# there is none. Exit 1: it failed, was cancelled or rolled back (a manual rollback), or it is
# still running after the timeout (default 3600 s). Needs the AWS CLI and
# autoscaling:DescribeInstanceRefreshes; WAIT_FOR_REFRESH_INTERVAL sets the poll (15 s).
set -euo pipefail
group=${1:?usage: SINCE=<time> wait-for-refresh.sh <auto-scaling-group-name> [timeout-seconds]}
timeout=${2:-3600}
interval=${WAIT_FOR_REFRESH_INTERVAL:-15}
since=$(date -u -d "${SINCE:-1970-01-01T00:00:00Z}" +%s)
deadline=$((SECONDS + timeout))
errors=0

while :; do
  # A throttled or failed call is retried: one bad answer must not fail a deploy that went well.
  if ! line=$(aws autoscaling describe-instance-refreshes --auto-scaling-group-name "$group" --max-records 1 \
    --query 'InstanceRefreshes[0].[InstanceRefreshId,Status,PercentageComplete,StartTime,StatusReason]' --output text); then
    errors=$((errors + 1))
    if ((errors >= 5)); then
      echo "::error::describe-instance-refreshes for $group failed $errors times in a row"
      exit 1
    fi
    sleep "$interval"
    continue
  fi
  errors=0
  IFS=$'\t' read -r id status percent started reason <<<"$line"
  # The CLI prints None for what is missing, and a bare None when the group has no refresh.
  for field in id status percent started reason; do [ "${!field:-None}" = None ] && printf -v "$field" '%s' ""; done
  if [ -z "$status" ] || (($(date -u -d "${started:-1970-01-01T00:00:00Z}" +%s) < since)); then
    echo "wait-for-refresh: $group has no instance refresh from this deploy"
    exit 0
  fi
  case "$status" in
    Successful)
      echo "wait-for-refresh: refresh $id of $group succeeded"
      exit 0
      ;;
    Pending | InProgress | Baking | Cancelling | RollbackInProgress)
      echo "wait-for-refresh: refresh $id of $group is $status (${percent:-0} % done)"
      ;;
    *)
      echo "::error::instance refresh $id of $group ended $status: ${reason:-no reason given}. The old servers keep serving; see the group's activity history, and deploy the previous version to undo the change."
      exit 1
      ;;
  esac
  if ((SECONDS >= deadline)); then
    echo "::error::instance refresh $id of $group is still $status after ${timeout} s"
    exit 1
  fi
  sleep "$interval"
done
