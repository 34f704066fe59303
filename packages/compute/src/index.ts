export * from "./args";
export * from "./instanceTypes";
export * from "./servers";
export * from "./userData";
export * from "./webTier";
