import { Problems } from "@web-infra/core";

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

/**
 * When each alarm fires. Every alarm looks at one-minute datapoints (five-minute ones for the
 * servers' CPU without detailed monitoring) and fires when every datapoint of `evaluationMinutes`
 * breaches, so a single bad minute never pages.
 */
export interface Thresholds {
  /**
   * HTTP 5XX responses the load balancer itself generates per minute (HTTPCode_ELB_5XX_Count);
   * the alarm fires above it. These are requests no server answered: no healthy target,
   * a timeout, a refused connection.
   *
   * @default 5 - a few per minute happen during deploys and client resets; more is an outage in progress
   */
  readonly elb5xxPerMinute: number;
  /**
   * HTTP 5XX responses the web servers return per minute (HTTPCode_Target_5XX_Count); fires above it.
   *
   * @default 5 - the same budget as the load balancer's: a handful is noise, a steady stream is a broken release or database
   */
  readonly target5xxPerMinute: number;
  /**
   * 95th percentile of the servers' response time in seconds (TargetResponseTime p95); fires above it.
   *
   * @default 1 - nginx serving a page answers in milliseconds; one request in twenty taking over a second means a saturated server or a slow database
   */
  readonly responseTimeP95Seconds: number;
  /**
   * Connections the load balancer refused per minute because it hit its connection limit
   * (RejectedConnectionCount); fires above it.
   *
   * @default 0 - any refused connection is a user turned away; the ALB scales before it refuses, so this should never happen
   */
  readonly rejectedConnectionsPerMinute: number;
  /**
   * Average CPU of the web servers' Auto Scaling group in percent (CPUUtilization); fires above it.
   *
   * @default 80 - burstable t4g instances run out of CPU credits when held above their baseline; 80 % for minutes leaves no headroom for a peer's traffic
   */
  readonly ec2CpuPercent: number;
  /**
   * Average CPU of each database instance in percent (CPUUtilization); fires above it.
   *
   * @default 80 - above it query latency climbs steeply, and a replica this busy falls behind the primary
   */
  readonly rdsCpuPercent: number;
  /**
   * Free storage of each database instance in bytes (FreeStorageSpace); fires below it.
   *
   * @default 5 GiB - a quarter of the 20 GiB minimum: enough warning to act before storage autoscaling hits its ceiling or MySQL stops writing
   */
  readonly rdsFreeStorageBytes: number;
  /**
   * Freeable memory of each database instance in bytes (FreeableMemory); fires below it.
   *
   * @default 256 MiB - below it MySQL starts swapping and latency jumps; lower it for db.t4g.micro, whose 1 GiB leaves little more than that at rest
   */
  readonly rdsFreeableMemoryBytes: number;
  /**
   * Client connections to each database instance (DatabaseConnections); fires above it.
   *
   * @default 200 - far above what 2 web servers open, so reaching it means leaked connections or a runaway client; set it below max_connections of your class (db.t4g.micro allows about 85)
   */
  readonly rdsConnections: number;
  /**
   * Seconds each replica is behind the primary (ReplicaLag); fires above it.
   *
   * @default 60 - reads a minute stale are visibly wrong to users (a saved form that does not show up)
   */
  readonly replicaLagSeconds: number;
  /**
   * Minutes of consecutive datapoints that must breach before an alarm fires (and that must
   * recover before it clears), rounded up to whole periods of a metric published less often:
   * an integer from 1 to 60.
   *
   * @default 3 - long enough to ride out a one-minute blip or a server restart, short enough to page within 3 minutes
   */
  readonly evaluationMinutes: number;
}

export const DEFAULT_THRESHOLDS: Readonly<Thresholds> = Object.freeze({
  elb5xxPerMinute: 5,
  target5xxPerMinute: 5,
  responseTimeP95Seconds: 1,
  rejectedConnectionsPerMinute: 0,
  ec2CpuPercent: 80,
  rdsCpuPercent: 80,
  rdsFreeStorageBytes: 5 * GiB,
  rdsFreeableMemoryBytes: 256 * MiB,
  rdsConnections: 200,
  replicaLagSeconds: 60,
  evaluationMinutes: 3,
});

const PERCENTAGES: readonly (keyof Thresholds)[] = ["ec2CpuPercent", "rdsCpuPercent"];

/**
 * The defaults with the given overrides, checking every value: finite and ≥ 0,
 * percentages ≤ 100, `evaluationMinutes` an integer from 1 to 60, no unknown names.
 * Problems are recorded on `p` under `thresholds.<name>`; nothing is thrown here.
 */
export function resolveThresholds(given: Partial<Thresholds> | undefined, p: Problems): Thresholds {
  const out: Record<string, number> = { ...DEFAULT_THRESHOLDS };
  const known = Object.keys(DEFAULT_THRESHOLDS);
  for (const [key, value] of Object.entries(given ?? {})) {
    if (value === undefined) continue;
    if (!known.includes(key)) {
      p.add(`thresholds.${key}`, "is not a known threshold", { got: value, fix: `Use one of ${known.join(", ")}.` });
      continue;
    }
    out[key] = value as number;
  }
  for (const key of known as (keyof Thresholds)[]) {
    const value = out[key];
    if (
      !p.check(
        typeof value === "number" && Number.isFinite(value) && value >= 0,
        `thresholds.${key}`,
        "must be a finite number ≥ 0",
        value,
        `Use e.g. the default ${DEFAULT_THRESHOLDS[key]}.`,
      )
    )
      continue;
    if (PERCENTAGES.includes(key))
      p.check(
        value <= 100,
        `thresholds.${key}`,
        "must be a percentage from 0 to 100",
        value,
        `Use e.g. the default ${DEFAULT_THRESHOLDS[key]}.`,
      );
  }
  const minutes = out["evaluationMinutes"];
  if (typeof minutes === "number" && Number.isFinite(minutes) && minutes >= 0) {
    p.integer(
      "thresholds.evaluationMinutes",
      minutes,
      1,
      60,
      "Alarms look at one-minute datapoints; 1–60 of them keeps the decision within the hour.",
    );
  }
  return out as unknown as Thresholds;
}
