import { describe, expect, it } from "vitest";
import { runWorkflow } from "bifrost-ts/sdk/testing";
import { z } from "zod";
import { SecretAccessError, ValidationError, workflow } from "bifrost-ts/sdk";
import { Billing } from "../../examples/workflows/billing.ts";
import { Greetings } from "../../examples/workflows/greetings.ts";
import { UserReport } from "../../examples/workflows/user-report.ts";

describe("runWorkflow (bifrost-ts/sdk/testing)", () => {
  it("runs a workflow with in-memory configs, its params parsed by its schema", async () => {
    const run = await runWorkflow(Billing, "chargeCard", { amount: 5 }, { configs: { stripe_api_key: { type: "secret", value: "sk_test_123" } }, org: { id: "o1", name: "acme" } });
    expect(run.result).toEqual({ charged: 5, currency: "EUR", chargeId: "ch_test_5_eur" });
    expect(run.logs.map((l) => l.message)).toEqual(["charging 5 EUR for acme"]);
  });

  it("runs the examples, none of which shows any part of a secret or of per-user config", async () => {
    // Examples teach: a result or log line holding even a secret's first characters (a "key
    // hint") shows readers a pattern that narrows a guess of the key. No 3 characters in a row of
    // the value may appear. (Its characters are chosen to appear in none of the expected output.)
    const secret = "sk_live_QwErTyUiOp";
    const runs = [
      await runWorkflow(Billing, "chargeCard", { amount: 5 }, { configs: { stripe_api_key: { type: "secret", value: secret } }, org: { id: "o1", name: "acme" } }),
      await runWorkflow(UserReport, "run", {}, { userConfig: { "Api-Key": secret } }),
      await runWorkflow(Greetings, "greet", { name: "Ada" }),
    ];
    for (const run of runs) {
      const shown = JSON.stringify([run.result, run.logs]);
      for (let i = 0; i + 3 <= secret.length; i++) expect(shown, `${shown} shows ${JSON.stringify(secret.slice(i, i + 3))}`).not.toContain(secret.slice(i, i + 3));
    }
  });

  it("uses config defaults and per-user config like the worker", async () => {
    expect((await runWorkflow(Greetings, "greet", { name: "Ada" })).result).toEqual({ message: "Hello, Ada!" });
    expect((await runWorkflow(Greetings, "greet", { name: "Ada" }, { configs: { greeting: { type: "string", value: "Hi" } } })).result).toEqual({ message: "Hi, Ada!" });
    expect((await runWorkflow(UserReport, "run", {}, { userConfig: { "Api-Key": "k" } })).result).toEqual({ days: 7, authenticatedAs: "user key provided" });
  });

  it("refuses bad params and undeclared secrets as the platform does", async () => {
    await expect(runWorkflow(Billing, "chargeCard", { amount: -1 })).rejects.toBeInstanceOf(ValidationError);
    class Sneaky {}
    await expect(runWorkflow(Sneaky, "nothing")).rejects.toThrow("Sneaky.nothing is not a @workflow method");
    await expect(runWorkflow(Greetings, "greet", { name: "x" }, { configs: { greeting: { type: "secret", value: "s3cr3t" } } })).rejects.toBeInstanceOf(SecretAccessError);
  });

  it("refuses a result larger than the worker stores, as the platform does", async () => {
    class Report {
      @workflow({ name: "huge_report", params: z.object({ chars: z.number() }) })
      async build(_ctx: unknown, { chars }: { chars: number }) {
        return "x".repeat(chars);
      }
    }
    await expect(runWorkflow(Report, "build", { chars: 5_000_000 })).rejects.toMatchObject({ name: "ResultTooLargeError", code: "PAYLOAD_TOO_LARGE" });
    expect((await runWorkflow(Report, "build", { chars: 10 })).result).toBe("x".repeat(10));
  });
});
