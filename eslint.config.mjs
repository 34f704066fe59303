// @ts-check
import pulumi from "@pulumi/eslint-plugin";
import tseslint from "typescript-eslint";

export default tseslint.config(
  // examples/consumer is another team's project: its own tsc checks it against the packed declarations (npm run test:consumer).
  { ignores: ["node_modules/", "**/dist/", "**/*.js", "**/*.mjs", "examples/consumer/"] },
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    languageOptions: {
      // One program for the whole repository: projectService with one tsconfig per package costs 4× the memory.
      parserOptions: { project: "./tsconfig.check.json", tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "@pulumi": pulumi },
    rules: {
      // `${output}` renders "Calling [toString] on an [Output<T>] is not supported" into a real resource.
      "@pulumi/no-output-in-template-literal": "error",
      "@pulumi/no-output-instance-in-template-literal": "error",
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      "no-console": "error",
      // register.js compiles TypeScript to CommonJS; a dynamic import() goes to Node's ESM loader, which cannot resolve it.
      "no-restricted-syntax": [
        "error",
        { selector: "ImportExpression", message: "Use a static import: dynamic import() bypasses the TypeScript loader." },
      ],
    },
  },
  {
    files: ["**/test/**/*.ts", "tests/**/*.ts", "scripts/**/*.ts", "**/plan.ts"],
    rules: { "no-console": "off" },
  },
);
