export * from "./validation";
export * from "./tags";
