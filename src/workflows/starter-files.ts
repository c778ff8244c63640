import { fileURLToPath } from "node:url";

const PLATFORM_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/**
 * The files `bifrost init` writes: a workflow, its unit test (run by `bifrost workflows test`) and
 * a tsconfig that lets an editor find the SDK where this platform is installed. They pass
 * `bifrost workflows check` and their own test as written.
 */
export function starterFiles(): Record<string, string> {
  return {
    "hello.ts": `import { z } from "zod";
import { config, workflow, type ExecutionContext } from "bifrost-ts/sdk";

const Params = z.object({ name: z.string().min(1).describe("Who to greet") });
const Result = z.object({ message: z.string() });

export class Hello {
  // params and result are checked on every run; the method's types must agree with them.
  @workflow({ name: "hello", description: "Greets someone by name", params: Params, result: Result, tool: true })
  async hello(ctx: ExecutionContext, { name }: z.infer<typeof Params>): Promise<z.infer<typeof Result>> {
    // The org's value, else the global one, else the default.
    const greeting = await config.getString("greeting", { default: "Hello" });
    ctx.log.info(\`greeting \${name} for \${ctx.org?.name ?? "global scope"}\`);
    return { message: \`\${greeting}, \${name}!\` };
  }
}
`,
    "hello.test.ts": `import assert from "node:assert/strict";
import { test } from "node:test";
import { runWorkflow } from "bifrost-ts/sdk/testing";
import { Hello } from "./hello.ts";

test("greets by name with the configured greeting", async () => {
  const run = await runWorkflow(Hello, "hello", { name: "Ada" }, { configs: { greeting: { type: "string", value: "Hi" } } });
  assert.deepEqual(run.result, { message: "Hi, Ada!" });
});

test("falls back to Hello", async () => {
  const run = await runWorkflow(Hello, "hello", { name: "Ada" });
  assert.deepEqual(run.result, { message: "Hello, Ada!" });
});
`,
    "tsconfig.json": `${JSON.stringify(
      {
        // For editors: the platform's own settings, and the SDK and zod where it is installed.
        // \`bifrost workflows check\` does not need this file.
        compilerOptions: {
          target: "ES2022",
          module: "NodeNext",
          moduleResolution: "NodeNext",
          strict: true,
          noEmit: true,
          experimentalDecorators: true,
          emitDecoratorMetadata: true,
          allowImportingTsExtensions: true,
          skipLibCheck: true,
          types: ["node"],
          typeRoots: [`${PLATFORM_ROOT}node_modules/@types`],
          paths: {
            "bifrost-ts/sdk": [`${PLATFORM_ROOT}sdk/index.ts`],
            "bifrost-ts/sdk/testing": [`${PLATFORM_ROOT}sdk/testing.ts`],
            zod: [`${PLATFORM_ROOT}node_modules/zod`],
          },
        },
      },
      null,
      2,
    )}\n`,
  };
}
