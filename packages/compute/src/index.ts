export * from "./args";
export * from "./instanceTypes";
export { BOOT, GROUP_METRICS, REFRESH_PREFERENCES, SSM_CORE_POLICY } from "./servers";
export * from "./userData";
export * from "./webTier";
