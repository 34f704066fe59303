import { AmiRecord } from "./catalog";
import { INSTANCE_TYPES, zoneIdOf, zoneOffers } from "./catalog";
import { AwsWorld, ELB_LOG_ACCOUNTS } from "./world";

type Invoke = (inputs: Record<string, unknown>, world: AwsWorld) => Record<string, unknown>;

/** `*` and `?` globs, as EC2's DescribeImages filters use them. */
function globMatch(pattern: string, value: string): boolean {
  const re = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${re}$`).test(value);
}

const OWNER_ALIASES: Record<string, string> = { amazon: "137112412989", self: "" };

function amiMatches(ami: AmiRecord, inputs: Record<string, unknown>, world: AwsWorld): boolean {
  const owners = (inputs["owners"] as string[] | undefined) ?? [];
  if (owners.length && !owners.some((o) => (OWNER_ALIASES[o] ?? o) === ami.ownerId || (o === "self" && ami.ownerId === world.accountId))) {
    return false;
  }
  if (typeof inputs["nameRegex"] === "string" && !new RegExp(inputs["nameRegex"]).test(ami.name)) return false;
  const filters = (inputs["filters"] as { name: string; values: string[] }[] | undefined) ?? [];
  const fields: Record<string, string> = {
    name: ami.name,
    architecture: ami.architecture,
    "image-id": ami.id,
    "owner-id": ami.ownerId,
    "virtualization-type": "hvm",
    "root-device-type": "ebs",
    state: "available",
  };
  return filters.every((f) => {
    const field = fields[f.name];
    if (field === undefined) {
      throw new Error(`@web-infra/testing: ec2:getAmi filter "${f.name}" is not modelled; use one of ${Object.keys(fields).join(", ")}`);
    }
    return f.values.some((v) => globMatch(v, field));
  });
}

/** Render an `iam.getPolicyDocument` statement list the way the provider does. */
function policyJson(inputs: Record<string, unknown>): string {
  const one = (v: unknown[] | undefined) => (v === undefined || v.length === 0 ? undefined : v.length === 1 ? v[0] : v);
  const statements = ((inputs["statements"] as Record<string, unknown>[] | undefined) ?? []).map((s) => {
    const out: Record<string, unknown> = {};
    if (s["sid"]) out["Sid"] = s["sid"];
    out["Effect"] = s["effect"] ?? "Allow";
    const principals = (key: string) => {
      const list = s[key] as { type: string; identifiers: string[] }[] | undefined;
      if (!list?.length) return undefined;
      if (list.length === 1 && list[0].type === "*") return "*";
      return Object.fromEntries(list.map((p) => [p.type, one(p.identifiers)]));
    };
    const add = (key: string, v: unknown) => v !== undefined && (out[key] = v);
    add("Principal", principals("principals"));
    add("NotPrincipal", principals("notPrincipals"));
    add("Action", one(s["actions"] as unknown[] | undefined));
    add("NotAction", one(s["notActions"] as unknown[] | undefined));
    add("Resource", one(s["resources"] as unknown[] | undefined));
    add("NotResource", one(s["notResources"] as unknown[] | undefined));
    const conditions = s["conditions"] as { test: string; variable: string; values: string[] }[] | undefined;
    if (conditions?.length) {
      const c: Record<string, Record<string, unknown>> = {};
      for (const cond of conditions) (c[cond.test] ??= {})[cond.variable] = one(cond.values);
      out["Condition"] = c;
    }
    return out;
  });
  const doc: Record<string, unknown> = { Version: inputs["version"] ?? "2012-10-17" };
  if (inputs["policyId"]) doc["Id"] = inputs["policyId"];
  doc["Statement"] = statements;
  return JSON.stringify(doc, null, 2);
}

/** Every data source the harness answers. Anything else fails loudly. */
export const INVOKES: Readonly<Record<string, Invoke>> = {
  "aws:index/getAvailabilityZones:getAvailabilityZones": (inputs, w) => {
    const excluded = new Set((inputs["excludeNames"] as string[] | undefined) ?? []);
    const names = w.zones.filter((z) => !excluded.has(z));
    return {
      id: w.region,
      names,
      zoneIds: names.map((z) => zoneIdOf(w.region, z)),
      groupNames: names.map(() => w.region),
      state: inputs["state"],
    };
  },
  // Parallel lists, one entry per (type, location) offered, as DescribeInstanceTypeOfferings pages them.
  "aws:ec2/getInstanceTypeOfferings:getInstanceTypeOfferings": (inputs, w) => {
    const filters = (inputs["filters"] as { name: string; values: string[] }[] | undefined) ?? [];
    const wanted = (name: string) => filters.find((f) => f.name === name)?.values;
    const types = wanted("instance-type") ?? Object.keys(INSTANCE_TYPES);
    const locationType = String(inputs["locationType"] ?? "region");
    const places =
      locationType === "region"
        ? [{ zone: undefined, location: w.region }]
        : w.zones.map((zone) => ({ zone, location: locationType === "availability-zone-id" ? zoneIdOf(w.region, zone) : zone }));
    const locations = wanted("location");
    const found = places
      .filter((p) => locations === undefined || locations.includes(p.location))
      .flatMap((p) =>
        types
          .filter((t) => (p.zone === undefined ? INSTANCE_TYPES[t] !== undefined : zoneOffers(w.region, p.zone, t)))
          .map((t) => ({ t, location: p.location })),
      );
    return {
      id: w.region,
      instanceTypes: found.map((f) => f.t),
      locations: found.map((f) => f.location),
      locationTypes: found.map(() => locationType),
    };
  },
  "aws:index/getRegion:getRegion": (_i, w) => ({
    id: w.region,
    name: w.region,
    region: w.region,
    description: w.region,
    endpoint: `ec2.${w.region}.amazonaws.com`,
  }),
  "aws:index/getCallerIdentity:getCallerIdentity": (_i, w) => ({
    id: w.accountId,
    accountId: w.accountId,
    arn: `arn:aws:sts::${w.accountId}:assumed-role/web-infra-harness/session`,
    userId: "AROAHARNESS:session",
  }),
  "aws:index/getPartition:getPartition": (_i, w) => ({
    id: w.partition,
    partition: w.partition,
    dnsSuffix: "amazonaws.com",
    reverseDnsPrefix: "com.amazonaws",
  }),
  "aws:ec2/getAmi:getAmi": (inputs, w) => {
    const found = w.amis.filter((a) => amiMatches(a, inputs, w)).sort((a, b) => b.creationDate.localeCompare(a.creationDate));
    if (found.length === 0) {
      throw new Error("Your query returned no results. Please change your search criteria and try again.");
    }
    if (found.length > 1 && inputs["mostRecent"] !== true) {
      throw new Error(
        "Your query returned more than one result. Please try a more specific search criteria, or set `most_recent` attribute to true.",
      );
    }
    const ami = found[0];
    return {
      id: ami.id,
      imageId: ami.id,
      arn: `arn:aws:ec2:${w.region}::image/${ami.id}`,
      name: ami.name,
      architecture: ami.architecture,
      ownerId: ami.ownerId,
      creationDate: ami.creationDate,
      rootDeviceName: ami.rootDeviceName ?? "/dev/xvda",
      rootDeviceType: "ebs",
      virtualizationType: "hvm",
      state: "available",
      public: true,
      imdsSupport: "v2.0",
    };
  },
  "aws:route53/getZone:getZone": (inputs, w) => {
    const byId = inputs["zoneId"];
    const byName = typeof inputs["name"] === "string" ? inputs["name"].replace(/\.$/, "") : undefined;
    const zone = w.hostedZones.find(
      (z) =>
        (byId === undefined || z.zoneId === byId) &&
        (byName === undefined || z.name === byName) &&
        (inputs["privateZone"] ?? false) === z.privateZone,
    );
    if (!zone) throw new Error(`no matching Route 53 Hosted Zone found (zoneId ${String(byId)}, name ${String(byName)})`);
    return {
      id: zone.zoneId,
      zoneId: zone.zoneId,
      name: zone.name,
      privateZone: zone.privateZone,
      arn: `arn:aws:route53:::hostedzone/${zone.zoneId}`,
      nameServers: ["ns-1.awsdns-01.org", "ns-2.awsdns-02.net"],
      resourceRecordSetCount: 2,
    };
  },
  "aws:iam/getPolicyDocument:getPolicyDocument": (inputs) => {
    const json = policyJson(inputs);
    return { id: String(json.length), json, minifiedJson: JSON.stringify(JSON.parse(json)) };
  },
  "aws:elb/getServiceAccount:getServiceAccount": (inputs, w) => {
    const region = (inputs["region"] as string | undefined) ?? w.region;
    const account = ELB_LOG_ACCOUNTS[region];
    if (!account)
      throw new Error(`elb:getServiceAccount: region ${region} has no ELB log account (it uses the log delivery service principal)`);
    return { id: account, arn: `arn:aws:iam::${account}:root` };
  },
};

export function answerInvoke(token: string, inputs: Record<string, unknown>, world: AwsWorld): Record<string, unknown> {
  const handler = INVOKES[token];
  if (!handler) {
    throw new Error(
      `@web-infra/testing: invoke "${token}" is not mocked, so its answer would be invented. ` +
        `Mocked invokes: ${Object.keys(INVOKES).join(", ")}. Add a handler to INVOKES in packages/testing/src/aws/invokes.ts.`,
    );
  }
  return handler(inputs, world);
}
