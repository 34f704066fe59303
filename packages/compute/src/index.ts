export * from "./args";
export * from "./instanceTypes";
export { BOOT, GROUP_METRICS, REFRESH_PREFERENCES, SESSION_MANAGER_ACTIONS } from "./servers";
export * from "./userData";
export * from "./webTier";
