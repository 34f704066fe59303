#!/usr/bin/env node
// Sort what a refreshed preview would change into pending RDS modifications and drift.
//
//   STACK=<stack> node scripts/drift-report.mjs <preview.json> <rds.json>
//
// preview.json: `pulumi preview --refresh --json`; rds.json: `aws rds describe-db-instances
// --output json`. With applyImmediately off, RDS holds a change (class, storage, engine
// version…) as PendingModifiedValues until the maintenance window, and a refresh reads the
// current values, so every nightly preview shows that change: it is the code, waiting, not
// drift. Prints a Markdown report for the run summary. Exit 0: nothing changed, or only
// pending modifications. Exit 1: drift. Plain Node ESM without dependencies.
import { readFileSync, realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";

const RDS_INSTANCE = "aws:rds/instance:Instance";

/** A Pulumi input of an RDS instance → the PendingModifiedValues field RDS reports while it waits. */
export const PENDING_FIELDS = {
  instanceClass: "DBInstanceClass",
  allocatedStorage: "AllocatedStorage",
  engineVersion: "EngineVersion",
  backupRetentionPeriod: "BackupRetentionPeriod",
  multiAz: "MultiAZ",
  storageType: "StorageType",
  iops: "Iops",
  storageThroughput: "StorageThroughput",
  port: "Port",
  caCertIdentifier: "CACertificateIdentifier",
  identifier: "DBInstanceIdentifier",
  password: "MasterUserPassword",
  iamDatabaseAuthenticationEnabled: "IAMDatabaseAuthenticationEnabled",
};

/** The type token of a URN (`…$aws:rds/instance:Instance::name` → `aws:rds/instance:Instance`). */
const typeOf = (urn) => urn.slice(urn.lastIndexOf("$") + 1, urn.lastIndexOf("::"));
const nameOf = (urn) => urn.slice(urn.lastIndexOf("::") + 2);

/** The preview's changes, each either pending (with what waits) or drift. */
export function classify(preview, rds) {
  const instances = rds.DBInstances ?? [];
  const pending = [];
  const drift = [];
  for (const step of preview.steps ?? []) {
    if (step.op === "same" || step.op === "read") continue;
    const reasons = step.diffReasons ?? [];
    const entry = { op: step.op, type: typeOf(step.urn), name: nameOf(step.urn), reasons };
    if (entry.type === RDS_INSTANCE && step.op === "update" && reasons.length > 0) {
      const identifier = step.oldState?.outputs?.identifier ?? step.newState?.inputs?.identifier;
      const db = instances.find((d) => d.DBInstanceIdentifier === identifier);
      const waiting = db?.PendingModifiedValues ?? {};
      if (reasons.every((r) => PENDING_FIELDS[r] !== undefined && waiting[PENDING_FIELDS[r]] !== undefined)) {
        pending.push({
          ...entry,
          identifier,
          window: db.PreferredMaintenanceWindow,
          values: reasons.map((r) => `${r} → ${waiting[PENDING_FIELDS[r]]}`),
        });
        continue;
      }
    }
    drift.push(entry);
  }
  return { pending, drift };
}

export function report(stack, { pending, drift }) {
  const lines = [];
  if (drift.length) {
    lines.push(
      `## Drift detected in ${stack}`,
      "",
      "The stack's resources in AWS no longer match the code. Review them, then deploy the code again or bring the code in line:",
      "",
    );
    for (const d of drift) lines.push(`- ${d.op} ${d.type} \`${d.name}\`${d.reasons.length ? `: ${d.reasons.join(", ")}` : ""}`);
    lines.push("");
  }
  if (pending.length) {
    lines.push(
      `## Pending RDS modifications in ${stack}, not drift`,
      "",
      "Deployed with applyImmediately off: RDS applies them in the maintenance window.",
      "",
    );
    for (const p of pending)
      lines.push(`- \`${p.identifier}\` (${p.name}): ${p.values.join(", ")}, in the window ${p.window ?? "(unknown)"}`);
    lines.push("");
  }
  if (!drift.length && !pending.length) lines.push(`## No drift in ${stack}`, "");
  return lines.join("\n");
}

// Run as a script (not imported by the tests).
if (process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))) {
  const [previewFile, rdsFile] = process.argv.slice(2);
  if (!previewFile || !rdsFile) {
    console.error("usage: STACK=<stack> node scripts/drift-report.mjs <preview.json> <rds.json>");
    process.exit(2);
  }
  const result = classify(JSON.parse(readFileSync(previewFile, "utf8")), JSON.parse(readFileSync(rdsFile, "utf8")));
  process.stdout.write(report(process.env.STACK ?? "the stack", result) + "\n");
  process.exit(result.drift.length ? 1 : 0);
}
