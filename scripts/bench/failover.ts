/**
 * The failover benchmark: the dev stack's target group rehearsed on HAProxy in front of two
 * reference-app servers (tests/system/support/rehearsal.ts). Each cycle SIGKILLs one server at
 * a random moment of the health-check cycle, measures until no request reaches it and none
 * fails, restarts it and measures until it serves again.
 */
import { measureFailover, FailoverMeasurement } from "../../tests/system/support/failover";
import { requirePrerequisites } from "../../tests/system/support/prerequisites";
import { Rehearsal } from "../../tests/system/support/rehearsal";

/** Every cycle's figures and the health check settings the design's bounds come from. */
export interface FailoverBench {
  readonly cycles: readonly FailoverMeasurement[];
  readonly interval: number;
  readonly unhealthyThreshold: number;
  readonly healthyThreshold: number;
}

export async function benchFailover(cycles: number): Promise<FailoverBench> {
  requirePrerequisites("npm run bench (failover)", { only: ["haproxy", "openssl", "moto_server"] });
  const rig = await new Rehearsal().start("dev");
  try {
    await rig.healthy();
    const { interval, unhealthyThreshold, healthyThreshold } = rig.healthCheck;
    const results: FailoverMeasurement[] = [];
    for (let i = 0; i < cycles; i++) {
      const victim = rig.names[i % rig.names.length]!;
      results.push(
        await measureFailover({
          haproxy: rig.haproxy,
          victim,
          kill: () => rig.kill(victim),
          restart: () => rig.restart(victim),
          // A kill at a uniformly random point of the check cycle, as a real failure lands.
          jitterMs: interval * 1000,
        }),
      );
      process.stderr.write(".");
    }
    process.stderr.write("\n");
    return { cycles: results, interval, unhealthyThreshold, healthyThreshold };
  } finally {
    await rig.stop();
  }
}
