import { CostEstimate, estimateCost, StackGraph, Usage } from "@web-infra/testing";
import type { PresetName } from "./config";

/**
 * The usage each environment is assumed to see, beside the estimator's defaults: dev serves its
 * developers only and deploys often; prod's figures are a starting point to replace with the
 * account's own (Cost Explorer), not a measurement.
 */
export const USAGE: Readonly<Record<PresetName, Partial<Usage>>> = {
  dev: { albLcu: 0.1, natGbPerGateway: 5, dbLogGbPerGroup: 0.1, accessLogGb: 0, refreshesPerMonth: 20 },
  staging: { albLcu: 0.2, natGbPerGateway: 10, refreshesPerMonth: 10 },
  prod: { albLcu: 2, natGbPerGateway: 50, dbLogGbPerGroup: 2, flowLogGb: 30, accessLogGb: 20, wafMillionRequests: 5 },
};

/** A stack's monthly estimate, with its environment's usage. */
export function stackCost(graph: StackGraph, preset: PresetName): CostEstimate {
  return estimateCost(graph, { usage: USAGE[preset] });
}
