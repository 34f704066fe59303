export * from "./thresholds";
export * from "./alarms";
export * from "./dashboard";
export * from "./monitoring";
