import type { CapturedResource } from "../graph";
import { type AwsRule, bag, list, resourceRule } from "./rule";

/*
 * Limits the service APIs state in words, which neither the provider's schema nor the
 * CloudFormation schemas carry as a pattern or range.
 */

/** MySQL's reserved words RDS refuses as a master user or database name (RDS CreateDBInstance: "can't be a reserved word"), the ones a name is likely to hit. */
const MYSQL_RESERVED = new Set([
  "admin_",
  "rdsadmin",
  "mysql",
  "select",
  "insert",
  "update",
  "delete",
  "database",
  "user",
  "table",
  "order",
  "group",
  "key",
  "index",
  "primary",
  "default",
]);

const isMysql = (db: CapturedResource) => ["mysql", "mariadb"].includes(String(db.inputs["engine"] ?? ""));

export const SERVICE_RULES: readonly AwsRule[] = [
  resourceRule(
    "acm-domain-length",
    "An ACM certificate's domainName is at most 64 characters: it becomes the certificate's Common Name (ACM RequestCertificate: \"The first domain name can be no longer than 64 characters\"); each subject alternative name at most 253",
    ["aws:acm/certificate:Certificate"],
    (c) => [
      typeof c.inputs["domainName"] === "string" && c.inputs["domainName"].length > 64
        ? `domainName "${c.inputs["domainName"]}" is ${c.inputs["domainName"].length} characters; the Common Name takes at most 64: request a shorter name and put this one in subjectAlternativeNames`
        : undefined,
      ...list(c.inputs["subjectAlternativeNames"]).map((n) =>
        typeof n === "string" && n.length > 253 ? `subjectAlternativeNames entry of ${n.length} characters is over 253` : undefined,
      ),
    ],
  ),
  resourceRule(
    "route53-alias-exclusive",
    "A Route 53 alias record has neither ttl nor records: the alias target answers (ChangeResourceRecordSets: InvalidChangeBatch; the provider's ConflictsWith)",
    ["aws:route53/record:Record"],
    (r) => {
      if (list(r.inputs["aliases"]).length === 0) return undefined;
      const both = ["ttl", "records"].filter(
        (k) => r.inputs[k] !== undefined && !(Array.isArray(r.inputs[k]) && (r.inputs[k] as unknown[]).length === 0),
      );
      return both.length ? `an alias record may not set ${both.join(" or ")}: remove ${both.length === 1 ? "it" : "them"}` : undefined;
    },
  ),
  resourceRule(
    "listener-redirect-loop",
    "A listener's redirect must change something: one to its own protocol and port with the host, path and query kept would loop, and ELB refuses it (CreateListener: InvalidLoadBalancerAction)",
    ["aws:lb/listener:Listener", "aws:alb/listener:Listener"],
    (l) =>
      list(l.inputs["defaultActions"]).map((a) => {
        const action = bag(a);
        if (action["type"] !== "redirect") return undefined;
        const r = bag(action["redirect"]);
        const protocol = String(r["protocol"] ?? "#{protocol}");
        const port = String(r["port"] ?? "#{port}");
        const same = (v: unknown) => v === undefined || v === "#{host}" || v === "/#{path}" || v === "#{query}";
        const loops =
          (protocol === "#{protocol}" || protocol === l.inputs["protocol"]) &&
          (port === "#{port}" || port === String(l.inputs["port"])) &&
          same(r["host"]) &&
          same(r["path"]) &&
          same(r["query"]);
        return loops
          ? `redirects ${String(l.inputs["protocol"])}:${String(l.inputs["port"])} to itself: set another protocol, port, host or path (e.g. protocol "HTTPS", port "443")`
          : undefined;
      }),
  ),
  resourceRule(
    "wafv2-rules-unique",
    "A web ACL's rules have distinct names and distinct priorities (CreateWebACL: WAFInvalidParameterException / WAFDuplicateItemException)",
    ["aws:wafv2/webAcl:WebAcl"],
    (acl) => {
      const rules = list(acl.inputs["rules"]).map(bag);
      const dup = (key: string) => [...new Set(rules.map((r) => r[key]).filter((v, i, all) => v !== undefined && all.indexOf(v) !== i))];
      return [
        ...dup("name").map((n) => `two rules are named ${JSON.stringify(n)}: give each rule its own name`),
        ...dup("priority").map((p) => `two rules have priority ${JSON.stringify(p)}: give each rule its own priority`),
      ];
    },
  ),
  resourceRule(
    "rds-mysql-names",
    "On MySQL and MariaDB, the master username is 1–16 letters, digits or underscores starting with a letter, and the database name 1–64 letters, digits or underscores starting with a letter; neither may be a reserved word (RDS CreateDBInstance, MasterUsername and DBName)",
    ["aws:rds/instance:Instance"],
    (db) => {
      if (!isMysql(db) || db.inputs["replicateSourceDb"] !== undefined) return undefined;
      const check = (key: string, value: unknown, max: number) => {
        if (typeof value !== "string") return undefined;
        if (!new RegExp(`^[A-Za-z][A-Za-z0-9_]{0,${max - 1}}$`).test(value))
          return `${key} "${value}" must be 1–${max} letters, digits or underscores starting with a letter`;
        return MYSQL_RESERVED.has(value.toLowerCase()) ? `${key} "${value}" is a word MySQL or RDS reserves: pick another` : undefined;
      };
      return [check("username", db.inputs["username"], 16), check("dbName", db.inputs["dbName"], 64)];
    },
  ),
];
