#!/usr/bin/env bash
# Fail while an alarm subscription waits for confirmation. An email subscription delivers
# nothing until someone clicks its link, and nothing else reports it: alarms would go quiet.
# Also warn about subscriptions confirmed without authentication: their alarm emails carry an
# unsubscribe link that works for anyone who has one.
#
#   scripts/check-subscriptions.sh <topic-arn>
#
# Exit 0: every subscription is confirmed. Exit 1: at least one is pending (each is named).
# Needs the AWS CLI, sns:ListSubscriptionsByTopic and sns:GetSubscriptionAttributes.
set -euo pipefail
topic=${1:?usage: check-subscriptions.sh <topic-arn>}

# The CLI follows the pagination itself; one line per subscription, tab-separated.
lines=$(aws sns list-subscriptions-by-topic --topic-arn "$topic" \
  --query 'Subscriptions[].[SubscriptionArn,Protocol,Endpoint]' --output text)

total=0
pending=0
while IFS=$'\t' read -r arn protocol endpoint; do
  [ -n "$arn" ] || continue
  total=$((total + 1))
  if [ "$arn" = PendingConfirmation ]; then
    pending=$((pending + 1))
    echo "::error::the $protocol subscription of $endpoint to $topic is pending confirmation: alarms do not reach it. Confirm it with authentication (packages/monitoring/README.md, Confirming email subscriptions)."
    continue
  fi
  authenticated=$(aws sns get-subscription-attributes --subscription-arn "$arn" \
    --query 'Attributes.ConfirmationWasAuthenticated' --output text)
  if [ "$authenticated" != true ]; then
    echo "::warning::the $protocol subscription of $endpoint was confirmed without authentication: anyone holding an alarm email can unsubscribe it. Re-confirm it with --authenticate-on-unsubscribe true."
  fi
done <<<"$lines"

if ((pending > 0)); then
  echo "check-subscriptions: $pending of $total subscription(s) to $topic pending"
  exit 1
fi
echo "check-subscriptions: $total subscription(s) to $topic confirmed"
