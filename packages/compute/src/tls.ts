import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { withName } from "@web-infra/core";
import type { WebTierArgs } from "./args";

/** A DNS-validated certificate for the domain; the listener waits for validation. Also the alias records. */
export function certificate(
  scope: pulumi.Resource,
  loadBalancer: aws.lb.LoadBalancer,
  name: string,
  tls: { domainName: string; hostedZoneId: string },
  ipv6: boolean,
  tags: WebTierArgs["tags"],
): pulumi.Output<string> {
  const parent = { parent: scope };
  const zone = aws.route53.getZoneOutput({ zoneId: tls.hostedZoneId }, parent);
  // Route 53 refuses records outside the zone, and ACM cannot validate through a private zone.
  const domainName = pulumi.all([zone.name, zone.privateZone]).apply(([zoneName, isPrivate]) => {
    const apex = zoneName.replace(/\.$/, "");
    if (isPrivate)
      throw new Error(
        `web-infra:compute:WebTier "${name}": hosted zone ${tls.hostedZoneId} is private; ACM DNS validation needs a public zone`,
      );
    if (tls.domainName !== apex && !tls.domainName.endsWith(`.${apex}`)) {
      throw new Error(
        `web-infra:compute:WebTier "${name}": ${tls.domainName} is not in hosted zone ${tls.hostedZoneId} (${apex}); use a zone that holds the domain`,
      );
    }
    return tls.domainName;
  });
  const cert = new aws.acm.Certificate(
    `${name}-cert`,
    { domainName, validationMethod: "DNS", keyAlgorithm: "RSA_2048", tags: withName(tags, tls.domainName) },
    // A replacement certificate must exist before the listener lets go of the old one.
    { ...parent, deleteBeforeReplace: false },
  );
  const option = cert.domainValidationOptions.apply((all) => {
    const found = all.find((o) => o.domainName === tls.domainName);
    if (!found) throw new Error(`ACM returned no validation option for ${tls.domainName}`);
    return found;
  });
  const record = new aws.route53.Record(
    `${name}-cert-validation`,
    {
      zoneId: tls.hostedZoneId,
      name: option.resourceRecordName,
      type: option.resourceRecordType,
      records: [option.resourceRecordValue],
      ttl: 60,
      // Another stack's certificate for the same name uses the same record: take it over instead of failing.
      allowOverwrite: true,
    },
    parent,
  );
  const validation = new aws.acm.CertificateValidation(
    `${name}-cert`,
    { certificateArn: cert.arn, validationRecordFqdns: [record.fqdn] },
    parent,
  );
  const alias = (type: "A" | "AAAA") =>
    new aws.route53.Record(
      `${name}-alias${type === "AAAA" ? "-ipv6" : ""}`,
      {
        zoneId: tls.hostedZoneId,
        name: domainName,
        type,
        aliases: [{ name: loadBalancer.dnsName, zoneId: loadBalancer.zoneId, evaluateTargetHealth: true }],
      },
      parent,
    );
  alias("A");
  if (ipv6) alias("AAAA");
  return validation.certificateArn;
}
