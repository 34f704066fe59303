import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

const ANY_IPV4 = "0.0.0.0/0";
const ANY_IPV6 = "::/0";

/**
 * A security group seen as intent, after CDK's `Connections`: "web allows
 * 8080 from the ALB" creates the ingress rule on web and the matching egress
 * rule on the ALB, group to group, each with a description. Rules are
 * standalone resources (never inline) so each can be added by whichever
 * component knows about the peer.
 *
 * Rule names are `<group>-from-<peer>-<port>` and `<group>-to-<peer>-<port>`:
 * a contract like every child name.
 */
export class Connections {
  constructor(
    /** Logical name of the group; prefixes its rules' names. */
    readonly name: string,
    readonly securityGroupId: pulumi.Input<string>,
    /** The component that owns the group and parents its rules. */
    readonly owner: pulumi.Resource,
  ) {}

  /** Let `peer` reach this group on a TCP port: ingress here, egress on the peer. */
  allowFrom(peer: Connections, port: number, description: string): void {
    new aws.vpc.SecurityGroupIngressRule(
      `${this.name}-from-${peer.name}-${port}`,
      { securityGroupId: this.securityGroupId, referencedSecurityGroupId: peer.securityGroupId, ...tcp(port), description },
      { parent: this.owner },
    );
    new aws.vpc.SecurityGroupEgressRule(
      `${peer.name}-to-${this.name}-${port}`,
      { securityGroupId: peer.securityGroupId, referencedSecurityGroupId: this.securityGroupId, ...tcp(port), description },
      { parent: peer.owner },
    );
  }

  /** Let this group reach `peer` on a TCP port. */
  allowTo(peer: Connections, port: number, description: string): void {
    peer.allowFrom(this, port, description);
  }

  /** Open a TCP port to the whole internet: only for a public listener. */
  allowFromInternet(port: number, description: string, ipv6 = false): void {
    const rule = (suffix: string, cidr: { cidrIpv4?: string; cidrIpv6?: string }) =>
      new aws.vpc.SecurityGroupIngressRule(
        `${this.name}-from-internet${suffix}-${port}`,
        { securityGroupId: this.securityGroupId, ...cidr, ...tcp(port), description },
        { parent: this.owner },
      );
    rule("", { cidrIpv4: ANY_IPV4 });
    if (ipv6) rule("-ipv6", { cidrIpv6: ANY_IPV6 });
  }

  /** Let this group reach any address on a TCP port (through NAT from private subnets). Returns the rule, for `dependsOn`. */
  allowToInternet(port: number, description: string): aws.vpc.SecurityGroupEgressRule {
    return new aws.vpc.SecurityGroupEgressRule(
      `${this.name}-to-internet-${port}`,
      { securityGroupId: this.securityGroupId, cidrIpv4: ANY_IPV4, ...tcp(port), description },
      { parent: this.owner },
    );
  }
}

function tcp(port: number) {
  return { ipProtocol: "tcp", fromPort: port, toPort: port };
}
