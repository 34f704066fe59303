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

/** The parameter group family of an engine version: `8.4.7` → `mysql8.4`. */
export function parameterFamily(engineVersion: string): string {
  const [major, minor] = engineVersion.split(".");
  return `mysql${major}.${minor}`;
}

/** True when the version names a minor release (8.4.7) rather than a major line (8.4). */
export function pinsMinorVersion(engineVersion: string): boolean {
  return engineVersion.split(".").length > 2;
}

const SIZES = ["micro", "small", "medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge"];
const FAMILIES = ["t3", "t4g", "m5", "m6g", "m6i", "m7g", "m7i", "r5", "r6g", "r6i", "r7g", "r7i"];

/** True for a DB instance class RDS for MySQL offers (burstable families from micro, others from large). */
export function isKnownInstanceClass(instanceClass: string): boolean {
  const m = /^db\.([a-z0-9]+)\.([a-z0-9]+)$/.exec(instanceClass);
  if (!m || !FAMILIES.includes(m[1]) || !SIZES.includes(m[2])) return false;
  return m[1].startsWith("t") ? SIZES.indexOf(m[2]) <= SIZES.indexOf("2xlarge") : SIZES.indexOf(m[2]) >= SIZES.indexOf("large");
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

/** Minutes since Monday 00:00 for `ddd:hh:mm`, or since midnight for `hh:mm`. */
function minutes(part: string): number | undefined {
  const m = /^(?:([a-z]{3}):)?([01]\d|2[0-3]):([0-5]\d)$/.exec(part);
  if (!m) return undefined;
  const day = m[1] === undefined ? 0 : DAYS.indexOf(m[1]);
  if (day < 0) return undefined;
  return day * 1440 + Number(m[2]) * 60 + Number(m[3]);
}

export interface Window {
  start: number;
  end: number;
}

/** A daily `hh:mm-hh:mm` window as minute ranges over a week, or undefined if malformed. */
export function dailyWindow(value: string): Window[] | undefined {
  const [a, b] = value.split("-");
  const start = a === undefined ? undefined : minutes(a);
  const end = b === undefined ? undefined : minutes(b);
  if (start === undefined || end === undefined || a.includes(":") === false) return undefined;
  if (a.length !== 5 || b.length !== 5) return undefined;
  const length = (end - start + 1440) % 1440;
  return DAYS.map((_, d) => ({ start: d * 1440 + start, end: d * 1440 + start + length }));
}

/** A weekly `ddd:hh:mm-ddd:hh:mm` window as a minute range, or undefined if malformed. */
export function weeklyWindow(value: string): Window | undefined {
  const [a, b] = value.split("-");
  if (a === undefined || b === undefined || a.length !== 9 || b.length !== 9) return undefined;
  const start = minutes(a);
  const end = minutes(b);
  if (start === undefined || end === undefined) return undefined;
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
