export * from "./contract";
export * from "./database";
export * from "./server";
export * from "./settings";
