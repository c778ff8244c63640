import { describe, expect, it } from "vitest";
import { runWorkflow } from "bifrost-ts/sdk/testing";
import { z } from "zod";
import { SecretAccessError, ValidationError, config, workflow, type ExecutionContext } from "bifrost-ts/sdk";
import { Billing } from "../../examples/workflows/billing.ts";
import { Greetings } from "../../examples/workflows/greetings.ts";
import { UserReport } from "../../examples/workflows/user-report.ts";

describe("runWorkflow (bifrost-ts/sdk/testing)", () => {
  it("runs a workflow with in-memory configs, its params parsed by its schema", async () => {
    const run = await runWorkflow(
      Billing,
      "chargeCard",
      { amount: 5 },
      { configs: { stripe_api_key: { type: "secret", value: "sk_test_123" } }, org: { id: "o1", name: "acme" } },
    );
    expect(run.result).toEqual({ charged: 5, currency: "EUR", chargeId: "ch_test_5_eur" });
    expect(run.logs.map((l) => l.message)).toEqual(["charging 5 EUR for acme"]);
  });

  it("runs the examples, none of which shows any part of a secret or of per-user config", async () => {
    // Examples teach: a result or log line holding even a secret's first characters (a "key
    // hint") shows readers a pattern that narrows a guess of the key. No 3 characters in a row of
    // the value may appear. (Its characters are chosen to appear in none of the expected output.)
    const secret = "sk_live_QwErTyUiOp";
    const runs = [
      await runWorkflow(
        Billing,
        "chargeCard",
        { amount: 5 },
        { configs: { stripe_api_key: { type: "secret", value: secret } }, org: { id: "o1", name: "acme" } },
      ),
      await runWorkflow(UserReport, "run", {}, { userConfig: { "Api-Key": secret } }),
      await runWorkflow(Greetings, "greet", { name: "Ada" }),
    ];
    for (const run of runs) {
      const shown = JSON.stringify([run.result, run.logs]);
      for (let i = 0; i + 3 <= secret.length; i++)
        expect(shown, `${shown} shows ${JSON.stringify(secret.slice(i, i + 3))}`).not.toContain(secret.slice(i, i + 3));
    }
  });

  it("uses config defaults and per-user config like the worker", async () => {
    expect((await runWorkflow(Greetings, "greet", { name: "Ada" })).result).toEqual({ message: "Hello, Ada!" });
    expect(
      (
        await runWorkflow(
          Greetings,
          "greet",
          { name: "Ada" },
          { configs: { greeting: { type: "string", value: "Hi" } } },
        )
      ).result,
    ).toEqual({ message: "Hi, Ada!" });
    expect((await runWorkflow(UserReport, "run", {}, { userConfig: { "Api-Key": "k" } })).result).toEqual({
      days: 7,
      authenticatedAs: "user key provided",
    });
  });

  it("refuses bad params and undeclared secrets as the platform does", async () => {
    await expect(runWorkflow(Billing, "chargeCard", { amount: -1 })).rejects.toBeInstanceOf(ValidationError);
    class Sneaky {}
    await expect(runWorkflow(Sneaky, "nothing")).rejects.toThrow("Sneaky.nothing is not a @workflow method");
    await expect(
      runWorkflow(Greetings, "greet", { name: "x" }, { configs: { greeting: { type: "secret", value: "s3cr3t" } } }),
    ).rejects.toBeInstanceOf(SecretAccessError);
  });

  it("refuses a result larger than the worker stores, as the platform does", async () => {
    class Report {
      @workflow({ name: "huge_report", params: z.object({ chars: z.number() }) })
      async build(_ctx: unknown, { chars }: { chars: number }) {
        return "x".repeat(chars);
      }
    }
    await expect(runWorkflow(Report, "build", { chars: 5_000_000 })).rejects.toMatchObject({
      name: "ResultTooLargeError",
      code: "PAYLOAD_TOO_LARGE",
    });
    expect((await runWorkflow(Report, "build", { chars: 10 })).result).toBe("x".repeat(10));
  });

  it("scrubs what it returns as the worker scrubs what it stores: the result, the log and a thrown error", async () => {
    const secret = "sk_live_parity_0123456789";
    class Leaky {
      @workflow({ name: "leaky_parity", secrets: ["api_key"], params: z.object({ fail: z.boolean() }) })
      async run(ctx: ExecutionContext, { fail }: { fail: boolean }) {
        const key = await config.getString("api_key");
        ctx.log.info(`using ${key} and ${ctx.userConfig.get("token")}`);
        if (fail) throw new Error(`failed with ${key}`);
        return { key, encoded: Buffer.from(key).toString("base64"), when: new Date(0) };
      }
    }
    const options = {
      configs: { api_key: { type: "secret" as const, value: secret } },
      userConfig: { token: "user-token-0123456789" },
    };
    const run = await runWorkflow(Leaky, "run", { fail: false }, options);
    expect(run.result).toEqual({ key: "[REDACTED]", encoded: "[REDACTED]", when: "1970-01-01T00:00:00.000Z" });
    expect(run.logs.map((l) => l.message)).toEqual(["using [REDACTED] and [REDACTED]"]);
    const thrown = await runWorkflow(Leaky, "run", { fail: true }, options).catch((error: Error) => error);
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).message).toBe("failed with [REDACTED]");
    expect((thrown as Error).stack).not.toContain(secret);
  });

  it("checks the result against `result`, and names the run's org when a config is missing", async () => {
    class Typed {
      @workflow({ name: "typed_parity", result: z.object({ count: z.number().int() }) })
      async run() {
        return { count: 1.5 } as unknown as { count: number };
      }

      @workflow({ name: "missing_parity" })
      async missing() {
        return config.get("nowhere");
      }
    }
    await expect(runWorkflow(Typed, "run")).rejects.toMatchObject({
      name: "ResultInvalidError",
      code: "RESULT_INVALID",
      message: expect.stringContaining("result.count"),
    });
    await expect(runWorkflow(Typed, "missing", {}, { org: { id: "o1", name: "acme" } })).rejects.toThrow(
      'Config "nowhere" is not set for org acme nor at global scope',
    );
  });

  it("writes configs as the worker does: typed values checked, no secret stored as a plain config, reads copied", async () => {
    const secret = "sk_live_write_parity_0123";
    class Writer {
      @workflow({
        name: "writer_parity",
        secrets: ["api_key"],
        params: z.object({ how: z.enum(["copy", "boxed", "bad_int", "as_secret", "mutate"]) }),
      })
      async run(_ctx: ExecutionContext, { how }: { how: string }) {
        const key = await config.getString("api_key");
        if (how === "copy") await config.set("plain_copy", { token: key });
        if (how === "boxed") await config.set("boxed_copy", new String(key));
        if (how === "bad_int") await config.set("limit", "many", { type: "int" });
        if (how === "as_secret") await config.set("kept_secret", key, { secret: true });
        if (how === "mutate") {
          (await config.getJson<{ n: number }>("settings")).n = 99;
          return config.getJson("settings");
        }
        return "written";
      }
    }
    const options = {
      configs: {
        api_key: { type: "secret" as const, value: secret },
        settings: { type: "json" as const, value: { n: 1 } },
      },
    };
    await expect(runWorkflow(Writer, "run", { how: "copy" }, options)).rejects.toMatchObject({
      code: "SECRET_COPY_DENIED",
    });
    await expect(runWorkflow(Writer, "run", { how: "boxed" }, options)).rejects.toMatchObject({
      code: "SECRET_COPY_DENIED",
    });
    await expect(runWorkflow(Writer, "run", { how: "bad_int" }, options)).rejects.toMatchObject({
      code: "INVALID_CONFIG_VALUE",
    });
    expect((await runWorkflow(Writer, "run", { how: "as_secret" }, options)).configs.kept_secret).toEqual({
      type: "secret",
      value: secret,
    });
    expect((await runWorkflow(Writer, "run", { how: "mutate" }, options)).result).toEqual({ n: 1 });
  });
});
