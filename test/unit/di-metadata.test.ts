import "reflect-metadata";
import { container, injectable } from "tsyringe";
import { expect, it } from "vitest";

class Dependency {
  hello() {
    return "hi";
  }
}

@injectable()
class NeedsDependency {
  constructor(readonly dependency: Dependency) {}
}

it("keeps decorator metadata in tests, so tsyringe constructor injection works", () => {
  expect(container.resolve(NeedsDependency).dependency.hello()).toBe("hi");
});
