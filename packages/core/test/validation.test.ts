import * as assert from "node:assert/strict";
import { Problems, renderProblem, ValidationError } from "../src";

describe("Problems", () => {
  it("renders what went wrong, the value given and the fix", () => {
    assert.equal(
      renderProblem({ key: "web-infra:webServerCount", message: "must be ≥ 2 for active-active", got: 1, fix: "Set it to 2 or more." }),
      "web-infra:webServerCount must be ≥ 2 for active-active, got 1. Set it to 2 or more.",
    );
    assert.equal(renderProblem({ key: "x", message: "must be set", got: undefined }), "x must be set, got nothing.");
    assert.equal(renderProblem({ key: "x", message: "is deprecated" }), "x is deprecated.");
  });

  it("collects every problem and throws them together", () => {
    const p = new Problems("thing", "ns:");
    p.integer("count", 1, 2, 5, "Pick a count in range.");
    p.oneOf("mode", "b", ["a"], "Use a.");
    p.check(true, "fine", "never shown", 0, "never shown");
    assert.equal(p.count, 2);
    assert.throws(
      () => p.throwIfAny(),
      (err: unknown) => {
        assert.ok(err instanceof ValidationError);
        assert.equal(
          err.message,
          'thing has 2 invalid inputs:\n  - ns:count must be an integer from 2 to 5, got 1. Pick a count in range.\n  - ns:mode must be one of "a", got "b". Use a.',
        );
        return true;
      },
    );
  });

  it("does not throw when nothing is wrong, and skips optional values that were not given", () => {
    const p = new Problems("thing");
    p.integer("count", undefined, 2, 5, "unused");
    p.oneOf("mode", undefined, ["a"], "unused");
    p.throwIfAny();
    assert.equal(p.count, 0);
  });
});
