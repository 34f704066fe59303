import { PRESET_NAMES, PRESETS, PROJECT, SETTINGS } from "./config";

export const BEGIN = "<!-- BEGIN GENERATED: config -->";
export const END = "<!-- END GENERATED: config -->";

const cell = (v: unknown) => (v === undefined ? "—" : `\`${JSON.stringify(v)}\``).replace(/\|/g, "\\|");
const text = (s: string) => s.replace(/\|/g, "\\|");

/** The README's presets and config-key tables, generated from the schema and presets so they cannot drift. */
export function renderConfigDocs(): string {
  const tunable = Object.keys(PRESETS.dev) as (keyof (typeof PRESETS)["dev"])[];
  const presets = [
    `| setting | ${PRESET_NAMES.join(" | ")} | meaning |`,
    `|---|${PRESET_NAMES.map(() => "---").join("|")}|---|`,
    ...tunable.map((k) => `| \`${k}\` | ${PRESET_NAMES.map((p) => cell(PRESETS[p][k])).join(" | ")} | ${text(SETTINGS[k]?.doc ?? "")} |`),
  ];
  const keys = [
    "| key | expects | meaning |",
    "|---|---|---|",
    "| `aws:region` | an AWS region | required: the AWS provider has no default |",
    ...Object.entries(SETTINGS).map(([k, s]) => `| \`${PROJECT}:${k}\` | ${text(s.expects)} | ${text(s.doc)} |`),
  ];
  return [BEGIN, "", "### Presets (`stacks/web/config.ts`)", "", ...presets, "", "### Config keys", "", ...keys, "", END].join("\n");
}
