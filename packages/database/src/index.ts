export * from "./engine";
export * from "./mysqlDatabase";
