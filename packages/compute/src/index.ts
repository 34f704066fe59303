export * from "./instanceTypes";
export * from "./userData";
export * from "./webTier";
