import type { CapturedResource } from "../graph";
import { matchesAny, principalMatches } from "./compute";
import { type AwsRule, bag, list, resourceRule } from "./rule";

/*
 * The grammar IAM, S3, KMS and SNS hold a policy document to when it is written (IAM JSON policy
 * reference, "IAM JSON policy element reference" and "Grammar of the IAM JSON policy language";
 * the services answer MalformedPolicyDocument / MalformedPolicy). The provider checks only that
 * the document is JSON.
 */

/** Where each type keeps its policy documents, and what kind each is. */
type Kind = "identity" | "trust" | "resource";
const DOCUMENTS: Readonly<Record<string, readonly (readonly [path: string, kind: Kind])[]>> = {
  "aws:iam/policy:Policy": [["policy", "identity"]],
  "aws:iam/rolePolicy:RolePolicy": [["policy", "identity"]],
  "aws:iam/userPolicy:UserPolicy": [["policy", "identity"]],
  "aws:iam/groupPolicy:GroupPolicy": [["policy", "identity"]],
  "aws:iam/role:Role": [
    ["assumeRolePolicy", "trust"],
    ["inlinePolicies[].policy", "identity"],
  ],
  "aws:s3/bucketPolicy:BucketPolicy": [["policy", "resource"]],
  "aws:kms/key:Key": [["policy", "resource"]],
  "aws:sns/topicPolicy:TopicPolicy": [["policy", "resource"]],
  "aws:sns/topic:Topic": [["policy", "resource"]],
  "aws:secretsmanager/secretPolicy:SecretPolicy": [["policy", "resource"]],
};

const documentsOf = (r: CapturedResource) =>
  (DOCUMENTS[r.type] ?? []).flatMap(([path, kind]) => {
    const [head, tail] = path.split("[].");
    const values = tail === undefined ? [r.inputs[path]] : list(r.inputs[head as string]).map((x) => bag(x)[tail]);
    return values.filter((v) => v !== undefined && v !== "").map((doc) => ({ path, kind, doc }));
  });

/** What the service would call malformed in one document, or nothing. */
function malformed(doc: unknown, kind: Kind): string[] {
  let parsed: unknown = doc;
  if (typeof doc === "string") {
    try {
      parsed = JSON.parse(doc);
    } catch {
      return ["is not valid JSON"];
    }
  }
  const body = bag(parsed);
  const out: string[] = [];
  const version = body["Version"];
  if (version !== undefined && version !== "2012-10-17" && version !== "2008-10-17")
    out.push(`Version ${JSON.stringify(version)} is not 2012-10-17 or 2008-10-17`);
  const statements = [body["Statement"]].flat().filter((s) => s !== undefined);
  if (statements.length === 0) out.push("has no Statement");
  const sids = new Set<string>();
  statements.forEach((raw, i) => {
    const s = bag(raw);
    const at = `Statement[${i}]${typeof s["Sid"] === "string" ? ` (${s["Sid"]})` : ""}`;
    if (s["Effect"] !== "Allow" && s["Effect"] !== "Deny")
      out.push(`${at}: Effect must be Allow or Deny, got ${JSON.stringify(s["Effect"])}`);
    if ((s["Action"] === undefined) === (s["NotAction"] === undefined)) out.push(`${at}: give exactly one of Action and NotAction`);
    const principal = s["Principal"] !== undefined || s["NotPrincipal"] !== undefined;
    if (kind === "identity" && principal)
      out.push(`${at}: an identity policy may not name a Principal (Policy document should not specify a principal)`);
    if (kind !== "identity" && !principal) out.push(`${at}: a ${kind} policy needs a Principal`);
    const resource = s["Resource"] !== undefined || s["NotResource"] !== undefined;
    if (kind === "trust" && resource) out.push(`${at}: a trust policy has no Resource (Has prohibited field Resource)`);
    if (kind !== "trust" && !resource) out.push(`${at}: needs a Resource (Policy statement must contain resources)`);
    const sid = s["Sid"];
    if (typeof sid === "string") {
      // IAM takes only ASCII letters and digits in a Sid; the resource policies of S3, KMS and SNS take more.
      if (kind !== "resource" && !/^[A-Za-z0-9]*$/.test(sid)) out.push(`${at}: an IAM Sid holds only letters and digits`);
      if (sids.has(sid)) out.push(`${at}: Statement IDs (SID) in a single policy must be unique`);
      sids.add(sid);
    }
  });
  return out;
}

export const policyGrammar: AwsRule = resourceRule(
  "iam-policy-grammar",
  "A policy document has a known Version, at least one statement, each with Effect Allow or Deny and exactly one of Action/NotAction; identity policies name no Principal and need a Resource, trust policies need a Principal and have no Resource, resource policies need both; Sids are unique, and IAM's are letters and digits (MalformedPolicyDocument)",
  Object.keys(DOCUMENTS),
  (r) => documentsOf(r).flatMap(({ path, kind, doc }) => malformed(doc, kind).map((m) => `${path} ${m}: MalformedPolicyDocument`)),
);

export const keyPolicyLockout: AwsRule = resourceRule(
  "kms-key-policy-lockout",
  "A key policy lets some IAM principal change it again (kms:PutKeyPolicy), unless the lockout safety check is bypassed (KMS CreateKey / PutKeyPolicy: MalformedPolicyDocumentException, the new key policy will not allow you to update the key policy in the future)",
  ["aws:kms/key:Key"],
  (k) => {
    if (k.inputs["policy"] === undefined || k.inputs["bypassPolicyLockoutSafetyCheck"] === true) return undefined;
    let doc: unknown;
    try {
      doc = typeof k.inputs["policy"] === "string" ? JSON.parse(k.inputs["policy"]) : k.inputs["policy"];
    } catch {
      return undefined; // iam-policy-grammar reports it
    }
    const admin = [bag(doc)["Statement"]]
      .flat()
      .map(bag)
      .some(
        (s) =>
          s["Effect"] === "Allow" &&
          s["Principal"] !== undefined &&
          (s["Principal"] === "*" || bag(s["Principal"])["AWS"] !== undefined) &&
          matchesAny(s["Action"], "kms:PutKeyPolicy", true),
      );
    return admin
      ? undefined
      : "policy lets no IAM principal call kms:PutKeyPolicy: KMS refuses a policy that would lock everyone out; grant it to the account root (arn:aws:iam::<account>:root) or an admin role";
  },
);

export const monitoringRoleTrust: AwsRule = resourceRule(
  "rds-monitoring-role-trust",
  "An RDS instance's Enhanced Monitoring role trusts monitoring.rds.amazonaws.com (RDS CreateDBInstance: InvalidParameterValue, IAM role ARN value is invalid or does not include the required permissions for: ENHANCED_MONITORING)",
  ["aws:rds/instance:Instance"],
  (db, graph) => {
    const role = graph.byArn(db.inputs["monitoringRoleArn"]);
    if (!role || role.type !== "aws:iam/role:Role") return undefined;
    let trust: unknown;
    try {
      trust = JSON.parse(String(role.inputs["assumeRolePolicy"]));
    } catch {
      return undefined;
    }
    const service = { type: "Service", id: "monitoring.rds.amazonaws.com" };
    const trusts = [bag(trust)["Statement"]]
      .flat()
      .map(bag)
      .some((s) => s["Effect"] === "Allow" && principalMatches(s, service) && matchesAny(s["Action"], "sts:AssumeRole", true));
    return trusts
      ? undefined
      : `monitoringRoleArn names role ${role.name}, whose trust policy does not let monitoring.rds.amazonaws.com call sts:AssumeRole`;
  },
);

export const DOCUMENT_RULES: readonly AwsRule[] = [policyGrammar, keyPolicyLockout, monitoringRoleTrust];
