/**
 * npm run docs: writes each package README's API section from the sources' JSDoc.
 * npm run docs:check: writes nothing; fails when a README is stale or a property breaks the rule.
 *
 *   node --require ./packages/testing/register.js scripts/docs.ts [--check]
 *
 * Documented: every exported interface named `*Args`, plus `Thresholds`, `RunOptions`, `Waiver`
 * and the app's `*Options` (a table of inputs each), and every exported class extending
 * `pulumi.ComponentResource` (its type token and a table of its public readonly properties).
 *
 * The rule: every property of a documented interface has a JSDoc description, and every
 * optional one a `@default` tag with a value (`- <prose>` when the default is not a literal).
 *
 * Each source file is parsed on its own (`ts.createSourceFile`, no Program): the types are the
 * declared text, never resolved.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative, resolve } from "node:path";
import * as prettier from "prettier";
import * as ts from "typescript";
import { policies } from "@web-infra/policy";
import { bootstrapStack } from "../stacks/bootstrap/program";
import { webStack } from "../stacks/web/program";
import {
  API_FACTS,
  API_FACTS_READ,
  apiRuleId,
  AWS_RULES,
  COVERED_BY,
  inputsRead,
  NO_RULE,
  runProgram,
  RunResult,
  SCHEMA_FACTS,
  SCHEMA_SOURCE,
  schemaRuleId,
  UNCOMPILED_PATTERNS,
} from "@web-infra/testing";

const ROOT = resolve(__dirname, "..");

export const BEGIN = "<!-- BEGIN GENERATED: api -->";
export const END = "<!-- END GENERATED: api -->";
export const HEADING = "## API (generated from the source — do not edit)";

/** Documented even though their names do not end in `Args`. */
const EXTRA_INTERFACES: ReadonlySet<string> = new Set([
  "Thresholds",
  "RunOptions",
  "Waiver",
  "ReadContractOptions",
  "DatabaseOptions",
  "AppOptions",
]);

export interface Violation {
  readonly file: string;
  /** 1-based line of the property. */
  readonly line: number;
  readonly iface: string;
  readonly property: string;
  readonly problem: string;
}

export interface PropertyDoc {
  readonly name: string;
  readonly type: string;
  readonly optional: boolean;
  /** The `@default` tag's text, when there is one. */
  readonly default?: string;
  readonly description: string;
}

export interface InterfaceDoc {
  readonly name: string;
  readonly file: string;
  readonly description: string;
  readonly extends: readonly string[];
  readonly properties: readonly PropertyDoc[];
}

export interface ComponentDoc {
  readonly name: string;
  readonly file: string;
  /** The type token passed to `super(...)`, e.g. `web-infra:networking:Network`. */
  readonly token: string;
  /** The declared type of the constructor's `args` parameter. */
  readonly argsType?: string;
  readonly outputs: readonly PropertyDoc[];
}

export interface SourceDocs {
  readonly interfaces: readonly InterfaceDoc[];
  readonly components: readonly ComponentDoc[];
  readonly violations: readonly Violation[];
}

export interface PackageDocs extends SourceDocs {
  readonly dir: string;
}

export function isDocumentedInterface(name: string): boolean {
  return name.endsWith("Args") || EXTRA_INTERFACES.has(name);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}

function isExported(node: ts.Node): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === kind);
}

/** The JSDoc block closest to the node (the last one written before it). */
function jsDocOf(node: ts.Node): ts.JSDoc | undefined {
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  return docs[docs.length - 1];
}

function descriptionOf(doc: ts.JSDoc | undefined): string {
  return oneLine(ts.getTextOfJSDocComment(doc?.comment) ?? "");
}

function defaultOf(doc: ts.JSDoc | undefined): string | undefined {
  const tag = doc?.tags?.find((t) => t.tagName.text === "default");
  return tag === undefined ? undefined : oneLine(ts.getTextOfJSDocComment(tag.comment) ?? "");
}

function componentBase(node: ts.ClassDeclaration, sf: ts.SourceFile): boolean {
  return (node.heritageClauses ?? []).some(
    (clause) =>
      clause.token === ts.SyntaxKind.ExtendsKeyword &&
      clause.types.some((t) => ["pulumi.ComponentResource", "ComponentResource"].includes(t.expression.getText(sf))),
  );
}

/** The first string literal argument of the constructor's `super(...)` call. */
function superToken(ctor: ts.ConstructorDeclaration | undefined): string | undefined {
  let token: string | undefined;
  const visit = (node: ts.Node): void => {
    if (token !== undefined) return;
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.SuperKeyword) {
      const literal = node.arguments.find((a) => ts.isStringLiteral(a) || ts.isNoSubstitutionTemplateLiteral(a));
      token = literal?.text;
      return;
    }
    ts.forEachChild(node, visit);
  };
  if (ctor?.body) visit(ctor.body);
  return token;
}

/** Read the documented interfaces and components of one source file, and check the rule on the interfaces. */
export function parseSource(sourceText: string, fileName: string): SourceDocs {
  const sf = ts.createSourceFile(fileName, sourceText, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const interfaces: InterfaceDoc[] = [];
  const components: ComponentDoc[] = [];
  const violations: Violation[] = [];
  const lineOf = (node: ts.Node) => sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;

  for (const statement of sf.statements) {
    if (ts.isInterfaceDeclaration(statement) && isExported(statement) && isDocumentedInterface(statement.name.text)) {
      const iface = statement.name.text;
      const properties: PropertyDoc[] = [];
      for (const member of statement.members) {
        if (!ts.isPropertySignature(member)) continue;
        const name = member.name.getText(sf);
        const doc = jsDocOf(member);
        const description = descriptionOf(doc);
        const def = defaultOf(doc);
        const optional = member.questionToken !== undefined;
        const report = (problem: string) => violations.push({ file: fileName, line: lineOf(member), iface, property: name, problem });
        if (doc === undefined) report("has no JSDoc comment");
        else if (description === "") report("has a JSDoc comment without a description");
        if (optional) {
          if (def === undefined) report("is optional but has no @default tag");
          else if (def.replace(/^-/, "").trim() === "" || def === "undefined")
            report(`is optional but its @default is ${def === "undefined" ? "`undefined`" : "empty"}`);
        }
        properties.push({ name, type: member.type ? oneLine(member.type.getText(sf)) : "", optional, default: def, description });
      }
      interfaces.push({
        name: iface,
        file: fileName,
        description: descriptionOf(jsDocOf(statement)),
        extends: (statement.heritageClauses ?? []).flatMap((c) => c.types.map((t) => oneLine(t.getText(sf)))),
        properties,
      });
    } else if (ts.isClassDeclaration(statement) && statement.name && isExported(statement) && componentBase(statement, sf)) {
      const ctor = statement.members.find(ts.isConstructorDeclaration);
      const args = ctor?.parameters.find((p) => p.name.getText(sf) === "args");
      const outputs: PropertyDoc[] = [];
      for (const member of statement.members) {
        if (!ts.isPropertyDeclaration(member) || !ts.isIdentifier(member.name)) continue;
        if (!hasModifier(member, ts.SyntaxKind.ReadonlyKeyword) || hasModifier(member, ts.SyntaxKind.StaticKeyword)) continue;
        if (hasModifier(member, ts.SyntaxKind.PrivateKeyword) || hasModifier(member, ts.SyntaxKind.ProtectedKeyword)) continue;
        const optional = member.questionToken !== undefined;
        const declared = member.type ? oneLine(member.type.getText(sf)) : "";
        outputs.push({
          name: member.name.text,
          type: optional && declared !== "" ? `${declared} | undefined` : declared,
          optional,
          description: descriptionOf(jsDocOf(member)),
        });
      }
      components.push({
        name: statement.name.text,
        file: fileName,
        token: superToken(ctor) ?? "",
        argsType: args?.type ? oneLine(args.type.getText(sf)) : undefined,
        outputs,
      });
    }
  }
  return { interfaces, components, violations };
}

/** The documentation-rule violations of one source file. */
export function checkDocs(sourceText: string, fileName: string): Violation[] {
  return [...parseSource(sourceText, fileName).violations];
}

export function formatViolation(v: Violation): string {
  return `${v.file}:${v.line}: ${v.iface}.${v.property} ${v.problem}`;
}

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((entry) => {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) return sourceFiles(path);
      return entry.endsWith(".ts") && !entry.endsWith(".d.ts") ? [path] : [];
    });
}

/** Every documented interface and component of a package's `src/**\/*.ts`, files in path order, declarations in source order. */
export function collectDocs(pkgDir: string): PackageDocs {
  const interfaces: InterfaceDoc[] = [];
  const components: ComponentDoc[] = [];
  const violations: Violation[] = [];
  for (const file of sourceFiles(join(pkgDir, "src"))) {
    const docs = parseSource(readFileSync(file, "utf8"), relative(ROOT, file));
    interfaces.push(...docs.interfaces);
    components.push(...docs.components);
    violations.push(...docs.violations);
  }
  return { dir: pkgDir, interfaces, components, violations };
}

/** Text for a table cell: one line, pipes escaped. */
function cell(text: string): string {
  return oneLine(text).replace(/\|/g, "\\|");
}

function code(text: string): string {
  const t = oneLine(text);
  if (t === "") return "";
  return t.includes("`") ? `\`\` ${cell(t)} \`\`` : `\`${cell(t)}\``;
}

/** `@default 5 - why` → `5` — why; `@default - prose` → prose; `@default "x"` → `"x"`. */
function renderDefault(p: PropertyDoc): string {
  if (p.default === undefined) return p.optional ? "" : "—";
  if (p.default.startsWith("-")) return cell(p.default.replace(/^-\s*/, ""));
  const split = /^(.*?)\s+-\s+(.*)$/.exec(p.default);
  return split ? `${value(split[1])} — ${cell(split[2])}` : value(p.default);
}

/** A literal (`"x"`, `4`, `true`, `[]`, `DEFAULT_THRESHOLDS`) as code; prose (`Amazon Linux 2023 images`) as text. */
function value(text: string): string {
  const literal = /^("[^"]*"|'[^']*'|-?\d[\d_.]*|true|false|null|\[.*\]|\{.*\}|[A-Za-z_$][\w$.]*)$/;
  return literal.test(text) ? code(text) : cell(text);
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** The generated block, markers included, before Prettier. */
export function renderMarkdown(docs: SourceDocs): string {
  const out: string[] = [
    BEGIN,
    HEADING,
    "Regenerate this section with `npm run docs` after changing the JSDoc in `src/`; `npm run docs:check` fails when it is stale.",
  ];
  if (docs.interfaces.length > 0) out.push("### Inputs");
  for (const iface of docs.interfaces) {
    out.push(`#### \`${iface.name}\``);
    const about = [iface.description, iface.extends.length > 0 ? `Extends ${iface.extends.map(code).join(", ")}.` : ""];
    if (about.some((s) => s !== "")) out.push(about.filter((s) => s !== "").join(" "));
    out.push(
      table(
        ["property", "type", "required", "default", "description"],
        iface.properties.map((p) => [
          code(p.name),
          code(p.type),
          p.optional ? "optional" : "required",
          renderDefault(p),
          cell(p.description),
        ]),
      ),
    );
  }
  if (docs.components.length > 0) out.push("### Outputs");
  for (const c of docs.components) {
    out.push(`#### \`${c.name}\``);
    out.push(`Type token \`${c.token}\`${c.argsType ? `; takes ${code(c.argsType)}` : ""}.`);
    out.push(
      table(
        ["property", "type", "description"],
        c.outputs.map((p) => [code(p.name), code(p.type), cell(p.description)]),
      ),
    );
  }
  out.push(END);
  return `${out.join("\n\n")}\n`;
}

/** The generated block for a package, markers included, formatted as Prettier formats its README (no trailing newline). */
export async function renderApi(pkg: string | PackageDocs): Promise<string> {
  const docs = typeof pkg === "string" ? collectDocs(pkg) : pkg;
  const readme = join(docs.dir, "README.md");
  const options = (await prettier.resolveConfig(readme)) ?? {};
  const formatted = await prettier.format(renderMarkdown(docs), { ...options, parser: "markdown", filepath: readme });
  return formatted.trimEnd();
}

/** The README with its generated block replaced by `generated` (or `generated` appended when it has no markers). */
export function spliceReadme(readme: string, generated: string): string {
  const begin = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (begin === -1 && end === -1) return `${readme.trimEnd()}\n\n${generated}\n`;
  if (begin === -1 || end === -1 || end < begin || readme.indexOf(BEGIN, begin + 1) !== -1 || readme.indexOf(END, end + 1) !== -1)
    throw new Error(`the README must hold exactly one ${BEGIN} … ${END} block, in that order`);
  return readme.slice(0, begin) + generated + readme.slice(end + END.length);
}

export function isStale(readme: string, generated: string): boolean {
  return spliceReadme(readme, generated) !== readme;
}

/** Package directories with sources, in name order. */
export function packageDirs(root = ROOT): string[] {
  const base = join(root, "packages");
  return readdirSync(base)
    .sort()
    .map((name) => join(base, name))
    .filter((dir) => existsSync(join(dir, "src")));
}

export const RULES_BEGIN = "<!-- BEGIN GENERATED: rules -->";
export const RULES_END = "<!-- END GENERATED: rules -->";

const mdCell = (text: string) => text.replace(/\|/g, "\\|");
/** A rule generated from a fact (AWS's resource schemas, `schema-*`; the API references and the provider, `api-*`). */
const isFactRule = (id: string) => id.startsWith("schema-") || id.startsWith("api-");

/**
 * The harness's rule table: every hand-written rule of AWS_RULES, by id, with the behaviour it
 * enforces (from the rule itself); the rules generated from facts are counted and listed in RULES.md.
 */
async function renderRules(): Promise<string> {
  const hand = AWS_RULES.filter((r) => !isFactRule(r.id));
  const table = [
    "| rule | AWS / provider behaviour |",
    "| --- | --- |",
    ...hand.map((r) => `| \`${r.id}\` | ${mdCell(r.description)} |`),
  ].join("\n");
  const formatted = await prettier.format(table, { parser: "markdown", printWidth: 100 });
  const schema = AWS_RULES.filter((r) => r.id.startsWith("schema-")).length;
  const api = AWS_RULES.filter((r) => r.id.startsWith("api-")).length;
  return `${RULES_BEGIN}\n\n${AWS_RULES.length} rules, generated from \`AWS_RULES\` by \`npm run docs\`: ${hand.length} written by hand, below; ${schema} from AWS's resource schemas (\`schema-*\`) and ${api} from the API references and the provider's validations (\`api-*\`). [RULES.md](RULES.md) lists them by type and input, with the inputs each rule reads.\n\n${formatted}\n${RULES_END}`;
}

/** Every input path (`a.b[].c`) each resource type is given in the graphs, tags and policy documents aside. */
function inputsSet(graphs: readonly RunResult[]): Map<string, Map<string, unknown[]>> {
  const out = new Map<string, Map<string, unknown[]>>();
  const walk = (set: Map<string, unknown[]>, v: unknown, path: string): void => {
    if (Array.isArray(v)) v.forEach((x) => walk(set, x, `${path}[]`));
    else if (v !== null && typeof v === "object" && !/(^|\.)tags$/.test(path)) {
      for (const [k, x] of Object.entries(v)) walk(set, x, path ? `${path}.${k}` : k);
    } else if (!/(^|\.)tags(\.|$)/.test(path)) set.set(path, [...(set.get(path) ?? []), v]);
  };
  for (const g of graphs) {
    for (const r of g.customResources) {
      if (!out.has(r.type)) out.set(r.type, new Map());
      walk(out.get(r.type) as Map<string, unknown[]>, r.inputs, "");
    }
  }
  return out;
}

/** The example programs of every package, as tests/examples.test.ts runs them. */
async function exampleGraphs(): Promise<RunResult[]> {
  const out: RunResult[] = [];
  for (const dir of packageDirs()) {
    const base = join(dir, "examples");
    if (!existsSync(base)) continue;
    for (const scenario of readdirSync(base).sort()) {
      const file = join(base, scenario, "index.ts");
      if (!existsSync(file)) continue;
      // Through the CommonJS loader that register.js hooks, as the tests load them (import() would take the ESM path).
      const { program } = createRequire(__filename)(file) as { program: () => unknown };
      out.push(await runProgram(program, { stack: "example", project: "example" }));
    }
  }
  return out;
}

/**
 * packages/testing/RULES.md: for every resource type the dev, staging, prod, bootstrap and example
 * graphs create, each input with a stated constraint (the constraint, its source, the rule), the
 * inputs the hand-written rules read (traced from their code), and each input no rule reads with
 * the reason. Throws on an input that has neither.
 */
async function renderCoverage(): Promise<string> {
  const graphs = [
    ...(await Promise.all(["dev", "staging", "prod"].map((stack) => runProgram(webStack, { stack, projectDir: ROOT })))),
    await runProgram(bootstrapStack, { stack: "admin", projectDir: join(ROOT, "stacks/bootstrap") }),
    ...(await exampleGraphs()),
  ];
  const set = inputsSet(graphs);
  const references = new Set<unknown>(
    graphs
      .flatMap((g) =>
        g.customResources.flatMap((r) => [
          r.id,
          r.state["arn"],
          r.state["name"],
          r.state["id"],
          r.state["bucket"],
          // A VPC's default network ACL, which DefaultNetworkAcl adopts by id.
          r.state["defaultNetworkAclId"],
        ]),
      )
      .filter((v) => v !== undefined && v !== ""),
  );
  const reads = new Map(AWS_RULES.map((r) => [r.id, inputsRead(r, graphs)]));
  const readers = (type: string, path: string) =>
    AWS_RULES.filter((r) => {
      const paths = reads.get(r.id)?.get(type);
      return paths !== undefined && [...paths].some((p) => p === path || path.startsWith(`${p}.`) || path.startsWith(`${p}[]`));
    }).map((r) => r.id);
  const facts = [
    ...SCHEMA_FACTS.map((f) => ({
      type: f.type,
      input: f.input,
      constraints: f.constraints,
      source: `${f.cfnType} \`${f.property}\``,
      rule: COVERED_BY[`${f.type} ${f.input}`] ?? schemaRuleId(f),
      fact: f as object,
    })),
    ...API_FACTS.map((f) => ({
      type: f.type,
      input: f.input,
      constraints: f.constraints,
      source: f.source,
      rule: apiRuleId(f),
      fact: f as object,
    })),
  ];
  const lines: string[] = [
    "# What the harness checks, by resource type and input",
    "",
    "<!-- Generated by `npm run docs` from the rules and the captured graphs; `npm run docs:check` fails when it is stale. -->",
    "",
    `Sources: ${SCHEMA_SOURCE}, copied by \`scripts/cfn-facts.py\`; the API references and the provider's validations in \`packages/testing/src/aws/apiFacts.ts\`, read ${API_FACTS_READ}. A schema fact that a hand-written rule already decides names that rule instead (rule table in README.md). "Read by" lists the rules whose code reads the input when run over these graphs (traced, not declared).`,
    "",
  ];
  const described = (c: object) =>
    Object.entries(c)
      .map(([k, v]) => `${k} ${k === "pattern" ? `\`${String(v)}\`` : JSON.stringify(v)}`)
      .join("; ");
  let inputs = 0;
  let ruled = 0;
  const unexplained: string[] = [];
  for (const type of [...set.keys()].sort()) {
    const ofType = facts.filter((f) => f.type === type);
    const values = set.get(type) as Map<string, unknown[]>;
    const paths = [...values.keys()].sort();
    inputs += paths.length;
    lines.push(`## \`${type}\``, "");
    const constrained = ofType.filter((f) => Object.keys(f.constraints).length > 0);
    if (constrained.length) {
      lines.push("| input | constraint | source | rule |", "| --- | --- | --- | --- |");
      for (const f of constrained) {
        const note = (UNCOMPILED_PATTERNS as readonly object[]).includes(f.fact)
          ? " (pattern not checked: not a JavaScript regular expression)"
          : "";
        lines.push(`| \`${f.input}\` | ${mdCell(described(f.constraints))}${note} | ${mdCell(f.source)} | \`${f.rule}\` |`);
      }
      lines.push("");
    }
    const none = ofType.filter((f) => Object.keys(f.constraints).length === 0);
    const read = paths.map((p) => [p, readers(type, p)] as const).filter(([, ids]) => ids.length > 0);
    ruled += read.length;
    if (read.length) {
      lines.push("| input set | read by |", "| --- | --- |");
      for (const [p, ids] of read) lines.push(`| \`${p}\` | ${ids.map((id) => `\`${id}\``).join(", ")} |`);
      lines.push("");
    }
    const byReason = new Map<string, string[]>();
    for (const p of paths.filter((p) => readers(type, p).length === 0)) {
      const v = values.get(p) ?? [];
      const reason =
        NO_RULE[`${type} ${p}`] ??
        (v.every((x) => typeof x === "boolean")
          ? "no constraint exists: a switch, AWS takes true or false"
          : p !== "name" && v.every((x) => references.has(x))
            ? "no constraint of its own: it names another resource of the graph (what AWS refuses about the pair is a cross-resource rule's)"
            : none.some((f) => f.input === p)
              ? "no constraint exists in AWS's resource schema or API reference"
              : undefined);
      if (reason === undefined) unexplained.push(`${type} ${p}`);
      else byReason.set(reason, [...(byReason.get(reason) ?? []), `\`${p}\``]);
    }
    for (const [reason, list] of [...byReason].sort()) lines.push(`Read by no rule, ${reason}: ${list.join(", ")}.`, "");
  }
  if (unexplained.length)
    throw new Error(
      `inputs set with no rule and no reason; add a rule, or a reason to NO_RULE in packages/testing/src/rules/unruled.ts:\n  ${unexplained.join("\n  ")}`,
    );
  lines.push("## The inputs each hand-written rule reads", "", "| rule | reads |", "| --- | --- |");
  for (const rule of AWS_RULES.filter((r) => !isFactRule(r.id))) {
    const what = [...(reads.get(rule.id) ?? new Map<string, Set<string>>())]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(
        ([type, paths]) =>
          `${type.slice(type.lastIndexOf(":") + 1)}: ${[...paths]
            .sort()
            .map((p) => `\`${p}\``)
            .join(", ")}`,
      );
    lines.push(`| \`${rule.id}\` | ${mdCell(what.join("; ") || "the graph as a whole (URNs)")} |`);
  }
  lines.push("");
  const bySource = (prefix: string) => AWS_RULES.filter((r) => r.id.startsWith(prefix)).length;
  lines.splice(
    5,
    0,
    `${set.size} resource types; ${inputs} inputs set; ${ruled} read by a rule and ${inputs - ruled} by none, each with its reason. ${AWS_RULES.length} rules: ${AWS_RULES.length - bySource("schema-") - bySource("api-")} written by hand, ${bySource("schema-")} from AWS's resource schemas, ${bySource("api-")} from the API references and the provider.`,
    "",
  );
  return prettier.format(lines.join("\n"), { parser: "markdown", printWidth: 100 });
}

export const POLICIES_BEGIN = "<!-- BEGIN GENERATED: policies -->";
export const POLICIES_END = "<!-- END GENERATED: policies -->";

/** The policy pack's rule table, from the rules themselves: row, name, kind and the IDs each cites. */
async function renderPolicies(): Promise<string> {
  const rows = [...policies]
    .sort((a, b) => a.baseline.row - b.baseline.row)
    .map(
      (p) =>
        `| ${p.baseline.row} | \`${p.name}\` | ${"validateStack" in p ? "stack" : "resource"} | ${[...p.baseline.securityHub, ...p.baseline.checkov].join(", ") || "—"} |`,
    );
  const table = ["| row | policy | kind | IDs |", "| --- | --- | --- | --- |", ...rows].join("\n");
  const formatted = await prettier.format(table, { parser: "markdown", printWidth: 100 });
  return `${POLICIES_BEGIN}\n\n${policies.length} rules, generated from \`policies\` by \`npm run docs\`.\n\n${formatted}\n${POLICIES_END}`;
}

export const WORKFLOW_BEGIN = "<!-- BEGIN GENERATED: workflow-settings -->";
export const WORKFLOW_END = "<!-- END GENERATED: workflow-settings -->";

/** What each GitHub variable and secret the workflows read holds, and where it is set. */
export const WORKFLOW_SETTINGS: Readonly<Record<string, string>> = {
  "vars.AWS_REGION": "repository variable: the region of every stack's AWS calls",
  "vars.PULUMI_BACKEND_URL":
    "repository variable: the Pulumi state backend's login URL, `s3://<stateBucket>?region=<region>&awssdk=v2` (the bootstrap's `loginCommand`)",
  "vars.AWS_PREVIEW_ROLE_ARN": "repository variable: the bootstrap's preview role (`previewRoleArn`), read-only",
  "vars.AWS_DRIFT_ROLE_ARN": "repository variable: the bootstrap's drift role (`driftRoleArn`), read-only",
  "vars.AWS_DEPLOY_ROLE_ARN":
    "environment variable, one per GitHub environment (dev, staging, prod): the bootstrap's `deployRoleArns.<env>`",
  "secrets.NPM_TOKEN": "repository secret: an npm automation token of the account that owns the `@web-infra` scope",
  "secrets.GITHUB_TOKEN": "given by GitHub to every run: nothing to set",
};

/** The workflow settings table: every `vars.*` and `secrets.*` each workflow reads, from the files. */
async function renderWorkflowSettings(): Promise<string> {
  const dir = join(ROOT, ".github/workflows");
  const readers = new Map<string, string[]>();
  for (const file of readdirSync(dir).sort()) {
    for (const [name] of readFileSync(join(dir, file), "utf8").matchAll(/\b(?:vars|secrets)\.[A-Z0-9_]+/g)) {
      const list = readers.get(name) ?? [];
      if (!list.includes(file)) readers.set(name, [...list, file]);
    }
  }
  const missing = [...readers.keys()].filter((name) => WORKFLOW_SETTINGS[name] === undefined);
  if (missing.length) throw new Error(`describe ${missing.join(", ")} in WORKFLOW_SETTINGS (scripts/docs.ts)`);
  const rows = [...readers]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, files]) => `| \`${name}\` | ${files.map((f) => `\`${f}\``).join(", ")} | ${mdCell(WORKFLOW_SETTINGS[name] as string)} |`);
  const table = await prettier.format(["| setting | read by | what to set |", "| --- | --- | --- |", ...rows].join("\n"), {
    parser: "markdown",
    printWidth: 100,
  });
  return `${WORKFLOW_BEGIN}\n\nWhat the workflows read from GitHub, generated from the workflow files by \`npm run docs\`:\n\n${table}\n${WORKFLOW_END}`;
}

async function main(argv: readonly string[]): Promise<number> {
  const check = argv.includes("--check");
  const stale: string[] = [];
  const violations: Violation[] = [];
  const rulesReadme = join(ROOT, "packages/testing/README.md");
  {
    const readme = readFileSync(rulesReadme, "utf8");
    const begin = readme.indexOf(RULES_BEGIN);
    const end = readme.indexOf(RULES_END);
    if (begin === -1 || end < begin) throw new Error(`packages/testing/README.md must hold one ${RULES_BEGIN} … ${RULES_END} block`);
    const next = readme.slice(0, begin) + (await renderRules()) + readme.slice(end + RULES_END.length);
    if (next !== readme) {
      if (check) stale.push(relative(ROOT, rulesReadme));
      else {
        writeFileSync(rulesReadme, next);
        console.log(`wrote ${relative(ROOT, rulesReadme)}`);
      }
    }
  }
  {
    const path = join(ROOT, "README.md");
    const readme = readFileSync(path, "utf8");
    const begin = readme.indexOf(WORKFLOW_BEGIN);
    const end = readme.indexOf(WORKFLOW_END);
    if (begin === -1 || end < begin) throw new Error(`README.md must hold one ${WORKFLOW_BEGIN} … ${WORKFLOW_END} block`);
    const next = readme.slice(0, begin) + (await renderWorkflowSettings()) + readme.slice(end + WORKFLOW_END.length);
    if (next !== readme) {
      if (check) stale.push(relative(ROOT, path));
      else {
        writeFileSync(path, next);
        console.log(`wrote ${relative(ROOT, path)}`);
      }
    }
  }
  {
    const path = join(ROOT, "packages/policy/README.md");
    const readme = readFileSync(path, "utf8");
    const begin = readme.indexOf(POLICIES_BEGIN);
    const end = readme.indexOf(POLICIES_END);
    if (begin === -1 || end < begin) throw new Error(`packages/policy/README.md must hold one ${POLICIES_BEGIN} … ${POLICIES_END} block`);
    const next = readme.slice(0, begin) + (await renderPolicies()) + readme.slice(end + POLICIES_END.length);
    if (next !== readme) {
      if (check) stale.push(relative(ROOT, path));
      else {
        writeFileSync(path, next);
        console.log(`wrote ${relative(ROOT, path)}`);
      }
    }
  }
  {
    const path = join(ROOT, "packages/testing/RULES.md");
    const previous = existsSync(path) ? readFileSync(path, "utf8") : "";
    const next = await renderCoverage();
    if (next !== previous) {
      if (check) stale.push(relative(ROOT, path));
      else {
        writeFileSync(path, next);
        console.log(`wrote ${relative(ROOT, path)}`);
      }
    }
  }
  for (const dir of packageDirs()) {
    const docs = collectDocs(dir);
    violations.push(...docs.violations);
    const path = join(dir, "README.md");
    const readme = existsSync(path) ? readFileSync(path, "utf8") : "";
    const next = spliceReadme(readme, await renderApi(docs));
    if (next === readme) continue;
    if (check) stale.push(relative(ROOT, path));
    else {
      writeFileSync(path, next);
      console.log(`wrote ${relative(ROOT, path)}`);
    }
  }
  if (stale.length > 0) {
    console.error(`Stale API sections (run \`npm run docs\`):\n${stale.map((f) => `  ${f}`).join("\n")}`);
  }
  if (violations.length > 0) {
    console.error(
      `Documentation rule: every property of a documented interface needs a JSDoc description, and every optional one a @default with a value (use "@default - <prose>" when it is not a literal).\n${violations.map((v) => `  ${formatViolation(v)}`).join("\n")}`,
    );
  }
  return stale.length > 0 || violations.length > 0 ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
