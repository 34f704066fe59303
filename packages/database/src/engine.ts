/**
 * What this package knows about RDS for MySQL. 8.4 is the default: 8.0 left
 * standard support on 2026-07-31; 5.7 is paid Extended Support only.
 */
export const ENGINE_VERSIONS: readonly string[] = [
  "8.4",
  "8.4.3",
  "8.4.4",
  "8.4.5",
  "8.4.6",
  "8.4.7",
  "8.4.8",
  "8.0",
  "8.0.40",
  "8.0.41",
  "8.0.42",
  "8.0.43",
];

/** The major line of an engine version, as option groups name it: `8.4.7` → `8.4`. */
export function majorVersion(engineVersion: string): string {
  return engineVersion.split(".").slice(0, 2).join(".");
}

/** The parameter group family of an engine version: `8.4.7` → `mysql8.4`. */
export function parameterFamily(engineVersion: string): string {
  return `mysql${majorVersion(engineVersion)}`;
}

/** True when the version names a minor release (8.4.7) rather than a major line (8.4). */
export function pinsMinorVersion(engineVersion: string): boolean {
  return engineVersion.split(".").length > 2;
}

/**
 * The lowest storage autoscaling ceiling RDS accepts for an allocation, 10% above it rounded up:
 * less fails with "The maximum allocated storage must be increased by at least 10 percent".
 */
export function minMaxAllocatedStorageGiB(allocatedGiB: number): number {
  // In floating point 20 * 1.1 is 22.000000000000004, which would round up to 23.
  return Math.ceil((allocatedGiB * 11) / 10);
}

const BURSTABLE_SIZES = ["micro", "small", "medium", "large", "xlarge", "2xlarge"];
const GRAVITON_SIZES = ["large", "xlarge", "2xlarge", "4xlarge", "8xlarge", "12xlarge", "16xlarge"];
// The Intel families have a 24xlarge; the Graviton (g) ones stop at 16xlarge.
const INTEL_SIZES = [...GRAVITON_SIZES, "24xlarge"];

/** The sizes RDS for MySQL offers in each instance family. */
const INSTANCE_SIZES: ReadonlyMap<string, readonly string[]> = new Map([
  ["t3", BURSTABLE_SIZES],
  ["t4g", BURSTABLE_SIZES],
  ...["m6g", "m7g", "r6g", "r7g"].map((f): [string, string[]] => [f, GRAVITON_SIZES]),
  ...["m5", "m6i", "m7i", "r5", "r6i", "r7i"].map((f): [string, string[]] => [f, INTEL_SIZES]),
]);

/** True for a DB instance class RDS for MySQL offers (burstable families from micro, others from large). */
export function isKnownInstanceClass(instanceClass: string): boolean {
  const m = /^db\.([a-z0-9]+)\.([a-z0-9]+)$/.exec(instanceClass);
  return m !== null && (INSTANCE_SIZES.get(m[1])?.includes(m[2]) ?? false);
}

/** Performance Insights is not offered on the micro and small burstable classes of RDS for MySQL. */
export function supportsPerformanceInsights(instanceClass: string): boolean {
  return !/^db\.t[34]g?\.(micro|small)$/.test(instanceClass);
}

/** Enhanced Monitoring intervals RDS accepts, in seconds (0 turns it off). */
export const MONITORING_INTERVALS = [0, 1, 5, 10, 15, 30, 60] as const;

/** CA certificates RDS issues today; rds-ca-2019 expired in 2024. */
export const CA_CERTIFICATES = ["rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1", "rds-ca-ecc384-g1"] as const;

/** Characters the RDS master password may not contain, besides anything non-printable. */
export const FORBIDDEN_PASSWORD_CHARACTERS = ["/", '"', "@", " "] as const;

/** The special characters the generated password draws from: printable ASCII minus the forbidden ones. */
export const PASSWORD_SPECIALS = "!#$%&*()-_=+[]{}<>:?.,;~^";

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const TIME = "([01]\\d|2[0-3]):([0-5]\\d)";
const DAY = `(${DAYS.join("|")})`;
// Anchored over the whole value, as the provider's validators are: "03:00-03:30-09:00" is refused.
const DAILY_WINDOW = new RegExp(`^${TIME}-${TIME}$`);
const WEEKLY_WINDOW = new RegExp(`^${DAY}:${TIME}-${DAY}:${TIME}$`);

export interface Window {
  start: number;
  end: number;
}

/** A daily `hh:mm-hh:mm` window as minute ranges over a week, or undefined if malformed. */
export function dailyWindow(value: string): Window[] | undefined {
  const m = DAILY_WINDOW.exec(value);
  if (!m) return undefined;
  const start = Number(m[1]) * 60 + Number(m[2]);
  const end = Number(m[3]) * 60 + Number(m[4]);
  const length = (end - start + 1440) % 1440;
  return DAYS.map((_, d) => ({ start: d * 1440 + start, end: d * 1440 + start + length }));
}

/**
 * A weekly `ddd:hh:mm-ddd:hh:mm` window as a minute range since Monday 00:00, or undefined if
 * malformed. Day names are case-insensitive: the provider lower-cases them before checking.
 */
export function weeklyWindow(value: string): Window | undefined {
  const m = WEEKLY_WINDOW.exec(value.toLowerCase());
  if (!m) return undefined;
  const start = DAYS.indexOf(m[1]) * 1440 + Number(m[2]) * 60 + Number(m[3]);
  const end = DAYS.indexOf(m[4]) * 1440 + Number(m[5]) * 60 + Number(m[6]);
  return { start, end: start + ((end - start + 10080) % 10080) };
}

/** Whether two minute ranges over a week overlap, accounting for wrap-around at the week's end. */
export function overlaps(x: Window, y: Window): boolean {
  const week = 10080;
  return [-week, 0, week].some((shift) => x.start < y.end + shift && y.start + shift < x.end);
}

/** Length of a daily window in minutes. */
export function windowMinutes(w: Window): number {
  return w.end - w.start;
}
