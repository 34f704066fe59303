import { join } from "node:path";
import { stackGraph } from "../../support";
import { startApp } from "./app";
import { seedStackContract } from "./contract";
import { HaProxy } from "./haproxy";
import { Moto } from "./moto";
import { freePort, removeDir, Server, tempDir, waitFor } from "./processes";
import { createTestCa } from "./tls";

const HOST = "127.0.0.1";

/** The target group's health check, as the program sets it. */
export interface HealthCheckSettings {
  readonly path: string;
  readonly interval: number;
  readonly timeout: number;
  readonly healthyThreshold: number;
  readonly unhealthyThreshold: number;
}

/**
 * A stack's load balancer rehearsed on this machine: HAProxy configured from the stack's own
 * target group and listeners, in front of two reference-app servers (each its own process) that
 * read the stack's contract from moto. No database listens where the contract points: the
 * servers must stay in rotation regardless, since their /healthz does not ask it.
 */
export class Rehearsal {
  readonly names = ["web-a", "web-b"] as const;
  readonly ports = new Map<string, number>();
  private readonly servers = new Map<string, Server>();
  private readonly moto = new Moto();
  private readonly dir = tempDir("rehearsal");
  private appEnv: Record<string, string> = {};
  targetGroup: Record<string, unknown> = {};
  listeners: Record<string, unknown>[] = [];
  healthCheck!: HealthCheckSettings;
  haproxy!: HaProxy;

  async start(stack = "dev"): Promise<this> {
    const g = await stackGraph(stack);
    this.targetGroup = g.ofType("aws:lb/targetGroup:TargetGroup")[0]!.inputs;
    this.listeners = g.ofType("aws:lb/listener:Listener").map((l) => l.inputs);
    this.healthCheck = this.targetGroup["healthCheck"] as HealthCheckSettings;
    await this.moto.start();
    await seedStackContract(this.moto, stack, { writerHost: HOST, readerHosts: [HOST], port: await freePort() });
    const ca = createTestCa(join(this.dir, "db-ca"), { ips: [HOST] });
    this.appEnv = { ...this.moto.env(), WEB_INFRA_STACK: stack, WEB_INFRA_DB_CA_FILE: ca.caFile };
    for (const name of this.names) {
      this.ports.set(name, await freePort());
      await this.restart(name);
    }
    this.haproxy = await HaProxy.start({
      targetGroup: this.targetGroup,
      listeners: this.listeners,
      backends: this.names.map((name) => ({ name, host: HOST, port: this.ports.get(name)! })),
    });
    return this;
  }

  /** Until every server has passed a real health check (HAProxy starts them UP before any check). */
  async healthy(): Promise<void> {
    await waitFor("every target passing its health check", async () => {
      const states = await this.haproxy.serverStates();
      return states.length === this.names.length && states.every((s) => s.status === "UP" && s.checkStatus === "L7OK") ? true : undefined;
    });
  }

  /** SIGKILL one server: no goodbye, like an instance that dies. */
  async kill(name: string): Promise<void> {
    await this.servers.get(name)?.stop("SIGKILL");
  }

  /** Start one server (again) on its port; resolves once it listens. */
  async restart(name: string): Promise<void> {
    this.servers.set(name, await startApp({ name, port: this.ports.get(name)!, logDir: this.dir, env: this.appEnv }));
  }

  async stop(): Promise<void> {
    await this.haproxy?.stop();
    await Promise.all([...this.servers.values()].map((s) => s.stop("SIGKILL")));
    await this.moto.stop();
    removeDir(this.dir);
  }
}
