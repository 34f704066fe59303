import { IncomingHttpHeaders } from "node:http";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { HaProxy, HaProxyResponse } from "./haproxy";

/** One kill → out of rotation → back in rotation cycle of one target. */
export interface FailoverOptions {
  readonly haproxy: HaProxy;
  /** The HAProxy server name of the target that is killed. */
  readonly victim: string;
  /** Kill the target abruptly (SIGKILL): no goodbye, like an instance that dies. */
  kill(): Promise<void>;
  /** Start the target again; resolves once it accepts connections. */
  restart(): Promise<void>;
  /** Which target answered. @default the `x-served-by` header */
  servedBy?(headers: IncomingHttpHeaders): string | undefined;
  /** The client's request path. @default "/" */
  readonly path?: string;
  /** How often the client sends a request and the runtime API is asked. @default 100 */
  readonly everyMs?: number;
  /** How long to keep the client going after HAProxy marks the victim DOWN, to catch late failures. @default 2000 */
  readonly settleMs?: number;
  /**
   * Wait a random 0…jitterMs before the kill and before the restart. A cycle ends just after a health
   * check, so without it the next kill lands just after one too (a near-worst case, ≈ interval ×
   * unhealthyThreshold) and the return time depends on `settleMs`; the interval in ms samples both phases
   * the way real failures do. @default 0
   */
  readonly jitterMs?: number;
  /** Give up on either phase after this long. @default 60000 */
  readonly timeoutMs?: number;
}

/** One client request, timed from the kill (out phase) or the restart (back phase). */
export interface FailoverSample {
  readonly sentMs: number;
  /** HTTP status, or 0 when the request itself failed. */
  readonly status: number;
  readonly servedBy: string | undefined;
  readonly error?: string;
}

/** What one cycle measured; every time is in ms. */
export interface FailoverMeasurement {
  /** Kill → the runtime API reports the victim out of rotation (DOWN). */
  readonly detectedDownMs: number;
  /** Kill → send time of the last request that failed or reached the victim; 0 when none did. */
  readonly lastFailureMs: number;
  /** Kill → send time of the first request after which every request succeeded on another target. */
  readonly outOfRotationMs: number;
  /** Requests that did not get a 200 from a live target, over the whole cycle. */
  readonly failedRequests: number;
  /** Of those, the ones sent after the victim was reported DOWN, through its return: a correct balancer has none. */
  readonly failedAfterDown: number;
  /** Requests sent while the victim was reported DOWN, before the restart: all succeeded elsewhere unless `failedAfterDown`. */
  readonly requestsWhileDown: number;
  /** Restart → the runtime API reports the victim UP. */
  readonly detectedUpMs: number;
  /** Restart → send time of the first request the victim served. */
  readonly backInRotationMs: number;
  /** Every request, out phase then back phase. */
  readonly samples: { readonly out: readonly FailoverSample[]; readonly back: readonly FailoverSample[] };
}

const defaultServedBy = (headers: IncomingHttpHeaders) => headers["x-served-by"] as string | undefined;

/**
 * A client sending a request every `everyMs` (without waiting for the previous one, so a slow answer
 * does not thin the sampling) and a runtime-API poll at the same rate, until `done` says so.
 */
async function observe(
  options: FailoverOptions,
  t0: number,
  onState: (inRotation: boolean, atMs: number) => void,
  done: (samples: readonly FailoverSample[], nowMs: number) => boolean,
  phase: string,
): Promise<FailoverSample[]> {
  const everyMs = options.everyMs ?? 100;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const servedBy = options.servedBy ?? defaultServedBy;
  const samples: FailoverSample[] = [];
  const pending: Promise<void>[] = [];
  let stateError: unknown;
  for (let next = performance.now(); ; next += everyMs) {
    const now = performance.now() - t0;
    if (done(samples, now)) break;
    if (now > timeoutMs) {
      throw new Error(
        `${phase}: not done after ${timeoutMs} ms; ${options.victim}'s state errors: ${String(stateError)}\nHAProxy:\n${options.haproxy.tail()}`,
      );
    }
    const sentMs = now;
    pending.push(
      options.haproxy.https(options.path ?? "/", 3000).then(
        (res: HaProxyResponse) => void samples.push({ sentMs, status: res.status, servedBy: servedBy(res.headers) }),
        (err: Error) => void samples.push({ sentMs, status: 0, servedBy: undefined, error: err.message }),
      ),
    );
    pending.push(
      options.haproxy.serverState(options.victim).then(
        (s) => onState(s.inRotation, performance.now() - t0),
        (err: unknown) => void (stateError = err),
      ),
    );
    await sleep(Math.max(0, next + everyMs - performance.now()));
  }
  await Promise.all(pending);
  return samples.sort((a, b) => a.sentMs - b.sentMs);
}

/**
 * Kill a target, measure how long it takes to leave rotation (by the runtime API and by a client),
 * restart it and measure how long until it serves again. The benchmark compares the medians
 * against the design bound interval × unhealthyThreshold.
 */
export async function measureFailover(options: FailoverOptions): Promise<FailoverMeasurement> {
  const settleMs = options.settleMs ?? 2000;
  const bad = (s: FailoverSample) => s.status !== 200 || s.servedBy === undefined || s.servedBy === options.victim;

  const before = await options.haproxy.serverState(options.victim);
  if (!before.inRotation) throw new Error(`${options.victim} is ${before.status} before the kill: nothing to fail over from`);

  const jitter = () => sleep(Math.random() * (options.jitterMs ?? 0));
  await jitter();
  let downAt: number | undefined;
  const killedAt = performance.now();
  await options.kill();
  const out = await observe(
    options,
    killedAt,
    (inRotation, at) => {
      if (!inRotation && downAt === undefined) downAt = at;
    },
    (_samples, now) => downAt !== undefined && now >= downAt + settleMs,
    `${options.victim} leaving rotation`,
  );
  const detectedDownMs = downAt!;
  let lastBad = out.length - 1;
  while (lastBad >= 0 && !bad(out[lastBad]!)) lastBad--;
  const lastFailureMs = lastBad < 0 ? 0 : out[lastBad]!.sentMs;
  const outOfRotationMs = lastBad < 0 ? 0 : (out[lastBad + 1]?.sentMs ?? Number.NaN);
  const whileDown = out.filter((s) => s.sentMs > detectedDownMs);

  await jitter();
  let upAt: number | undefined;
  const restartedAt = performance.now();
  await options.restart();
  const back = await observe(
    options,
    restartedAt,
    (inRotation, at) => {
      if (inRotation && upAt === undefined) upAt = at;
    },
    (samples) => upAt !== undefined && samples.some((s) => s.status === 200 && s.servedBy === options.victim),
    `${options.victim} returning to rotation`,
  );
  const firstServed = back.find((s) => s.status === 200 && s.servedBy === options.victim)!;

  const failed = (s: FailoverSample) => s.status !== 200 || s.servedBy === undefined;
  return {
    detectedDownMs,
    lastFailureMs,
    outOfRotationMs,
    failedRequests: out.filter(bad).length + back.filter(failed).length,
    failedAfterDown: whileDown.filter(bad).length + back.filter(failed).length,
    requestsWhileDown: whileDown.length,
    detectedUpMs: upAt!,
    backInRotationMs: firstServed.sentMs,
    samples: { out, back },
  };
}
