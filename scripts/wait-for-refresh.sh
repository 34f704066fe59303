#!/usr/bin/env bash
# Wait for the newest instance refresh of an Auto Scaling group to end, and fail when it
# did not succeed. `pulumi up` returns once the group points at the new launch template
# version; the refresh that change starts replaces the servers afterwards, and the deploy
# job must not report success for servers that never came up.
#
#   scripts/wait-for-refresh.sh <auto-scaling-group-name> [timeout-seconds]
#
# Exit 0: the refresh succeeded, or there is none. Exit 1: it failed, was cancelled or rolled
# back (a manual rollback), or it is still running after the timeout (default 3600 s). Needs the AWS CLI
# and autoscaling:DescribeInstanceRefreshes; WAIT_FOR_REFRESH_INTERVAL sets the poll (15 s).
set -euo pipefail
group=${1:?usage: wait-for-refresh.sh <auto-scaling-group-name> [timeout-seconds]}
timeout=${2:-3600}
interval=${WAIT_FOR_REFRESH_INTERVAL:-15}
deadline=$((SECONDS + timeout))

while :; do
  line=$(aws autoscaling describe-instance-refreshes --auto-scaling-group-name "$group" --max-records 1 \
    --query 'InstanceRefreshes[0].[InstanceRefreshId,Status,PercentageComplete,StatusReason]' --output text)
  IFS=$'\t' read -r id status percent reason <<<"$line"
  case "$status" in
    "" | None)
      echo "wait-for-refresh: $group has no instance refresh"
      exit 0
      ;;
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
