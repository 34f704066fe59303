export * from "./validation";
export * from "./tags";
export * from "./connections";
export * from "./logKey";
export * from "./cloudwatch";
export * from "./iam";
export * from "./context";
