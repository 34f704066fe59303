export type Architecture = "x86_64" | "arm64";

/**
 * CPU architecture by instance family. Graviton families (…g) run arm64
 * images; Intel (…i) and AMD (…a) families and the older t3/m5/c5 run x86_64.
 * An AMI of the other architecture fails at launch.
 */
export const FAMILY_ARCHITECTURE: Readonly<Record<string, Architecture>> = {
  t4g: "arm64",
  m6g: "arm64",
  m7g: "arm64",
  m8g: "arm64",
  c6g: "arm64",
  c7g: "arm64",
  r6g: "arm64",
  r7g: "arm64",
  t3: "x86_64",
  t3a: "x86_64",
  m5: "x86_64",
  m6i: "x86_64",
  m6a: "x86_64",
  m7i: "x86_64",
  c6i: "x86_64",
  c7i: "x86_64",
  r6i: "x86_64",
};

const SIZES = ["nano", "micro", "small", "medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge"];

/** The architecture of an instance type, or undefined for a type this package does not know. */
export function architectureOf(instanceType: string): Architecture | undefined {
  const [family, size] = instanceType.split(".");
  if (!SIZES.includes(size ?? "")) return undefined;
  return FAMILY_ARCHITECTURE[family];
}

/** The Amazon Linux 2023 image name pattern for an architecture. */
export function al2023NamePattern(arch: Architecture): string {
  return `al2023-ami-2023.*-kernel-6.1-${arch}`;
}
