import { describe, expect, it } from "vitest";
import { z } from "zod";
import { config, workflow, type ExecutionContext } from "bifrost-ts/sdk";
import { runWorkflow } from "bifrost-ts/sdk/testing";
import { normalizeConfigKey } from "../../src/configs/config-key.ts";
import { normalizeUserConfigName } from "../../src/executions/user-config.ts";

// One rule for every name the platform matches: ASCII letters fold to lowercase, and nothing else
// folds. String#toLowerCase turns the Kelvin sign (U+212A) into "k", so "\u212Aey" read "key".

const KELVIN = "\u212A";

describe("config keys", () => {
  it("fold ASCII case and - . space, as the contract says", () => {
    expect(normalizeConfigKey("Stripe-API.Key name")).toBe("stripe_api_key_name");
  });

  it.each([`${KELVIN}ey`, "ｋｅｙ", "ke\u0131", "stra\u00dfe", "İd", "ﬁle"])(
    "refuse %s, which Unicode would fold into ASCII or another key",
    (key) => {
      expect(() => normalizeConfigKey(key)).toThrow(expect.objectContaining({ code: "INVALID_CONFIG_KEY" }));
    },
  );

  it("name the character refused by its code point", () => {
    expect(() => normalizeConfigKey(`stripe_api_${KELVIN}ey`)).toThrow(/found "\u212A" \(U\+212A\)/);
  });
});

describe("per-user config names", () => {
  it("match in any ASCII case, _ for -, and no other folding", () => {
    expect(normalizeUserConfigName("API_Key")).toBe("api-key");
    expect(normalizeUserConfigName(`${KELVIN}ey`)).not.toBe(normalizeUserConfigName("key"));
  });
});

describe("in a workflow", () => {
  class Reader {
    @workflow({
      name: "folding_reader",
      params: z.object({ key: z.string(), header: z.string() }),
      secrets: ["Api-Token"],
    })
    async read(ctx: ExecutionContext, { key, header }: { key: string; header: string }) {
      return { value: await config.get(key, { default: null }), header: ctx.userConfig.get(header) ?? null };
    }
  }
  const configs = {
    api_token: { type: "secret" as const, value: "tok" },
    key: { type: "string" as const, value: "plain" },
  };

  it("reads keys and per-user config by the same rule as the platform", async () => {
    const run = await runWorkflow(
      Reader,
      "read",
      { key: "API.Token", header: "User_Name" },
      { configs, userConfig: { "User-Name": "ada" } },
    );
    expect(run.result).toEqual({ value: "tok", header: "ada" });
  });

  it("does not read a key or a per-user config through a Kelvin sign", async () => {
    await expect(runWorkflow(Reader, "read", { key: `${KELVIN}ey`, header: "x" }, { configs })).rejects.toMatchObject({
      code: "INVALID_CONFIG_KEY",
    });
    const run = await runWorkflow(
      Reader,
      "read",
      { key: "key", header: `${KELVIN}ey` },
      { configs, userConfig: { Key: "ada" } },
    );
    expect(run.result).toEqual({ value: "plain", header: null });
  });

  it("refuses a declared secret that is no config key when the workflow is declared", () => {
    expect(() => workflow({ name: "kelvin_secret", secrets: [`stripe_api_${KELVIN}ey`] })).toThrow(
      /secret "stripe_api_\u212Aey" is not a config key/,
    );
    expect(() => workflow({ name: "bad_secret", secrets: ["semi;colon"] })).toThrow(/is not a config key/);
  });
});
