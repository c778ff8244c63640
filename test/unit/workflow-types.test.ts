import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

// The type-level spec of @workflow, checked by the TypeScript compiler itself with the project's
// own options: one file that must compile, one whose every marked line must not.

const root = fileURLToPath(new URL("../../", import.meta.url));
const fits = fileURLToPath(new URL("../types/workflow-fits.ts", import.meta.url));
const misfits = fileURLToPath(new URL("../types-failing/workflow-misfits.ts", import.meta.url));

function diagnostics(file: string): { line: number; text: string }[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    `${root}tsconfig.json`,
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
  )!;
  const program = ts.createProgram([file], { ...config.options, noUnusedLocals: false });
  return ts.getPreEmitDiagnostics(program).map((d) => ({
    line: d.file ? d.file.getLineAndCharacterOfPosition(d.start!).line + 1 : 0,
    text: ts.flattenDiagnosticMessageText(d.messageText, "\n"),
  }));
}

describe("@workflow's types", () => {
  it("accept methods whose params are z.infer of their schema, none without one, and results that fit `result`", () => {
    expect(diagnostics(fits)).toEqual([]);
  });

  it("refuse methods that disagree with their options, saying how", () => {
    const found = diagnostics(misfits).map(({ line, text }) => [line, /"@workflow": "([^"]+)"/.exec(text)?.[1]]);
    expect(found).toEqual([
      [7, "the method's second parameter must accept z.infer<typeof params>"],
      [12, "the method's second parameter must accept z.infer<typeof params>"],
      [17, "without `params`, the method takes only the context (add `params: z.object({...})` to take params)"],
      [22, "the method must return what `result` accepts (z.input<typeof result>)"],
    ]);
  });
});
