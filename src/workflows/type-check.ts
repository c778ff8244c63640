import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

/** What a workflow file may import from the platform when its folder has none (as the loader's hooks). */
const FROM_PLATFORM = /^(bifrost-ts\/sdk(\/testing)?|zod(\/.*)?)$/;
const PLATFORM_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** The compiler options workflow files are checked with: the platform's own, whatever the folder's tsconfig says. */
const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  lib: ["lib.es2023.d.ts", "lib.es2024.string.d.ts"],
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  noEmit: true,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  allowImportingTsExtensions: true,
  skipLibCheck: true,
  esModuleInterop: true,
  types: ["node"],
  typeRoots: [`${PLATFORM_ROOT}node_modules/@types`],
};

export interface TypeProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}

/**
 * Type-checks `files` (workflow files, their tests, a `bifrost types` declaration file) as the
 * platform runs them: its own compiler options, and the SDK and zod resolved to the platform's
 * copies when the folder has none installed. @returns every problem, `file` relative to `cwd`
 */
export function typeCheck(files: string[], cwd = process.cwd()): TypeProblem[] {
  const host = ts.createCompilerHost(OPTIONS);
  host.resolveModuleNameLiterals = (literals, containingFile, _redirect, options) =>
    literals.map(({ text }) => {
      const found = ts.resolveModuleName(text, containingFile, options, host);
      if (found.resolvedModule || !FROM_PLATFORM.test(text)) return found;
      return ts.resolveModuleName(text, `${PLATFORM_ROOT}package.json`, options, host);
    });
  const program = ts.createProgram(files, OPTIONS, host);
  // The folder's own files: what the platform's files say is the platform's business.
  const diagnostics = [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...files.flatMap((file) => {
      const source = program.getSourceFile(file);
      return source ? [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)] : [];
    }),
  ];
  return diagnostics.map((diagnostic) => {
    const where =
      diagnostic.file && diagnostic.start !== undefined
        ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start)
        : null;
    return {
      file: diagnostic.file ? relative(cwd, diagnostic.file.fileName) : "(options)",
      line: where ? where.line + 1 : 0,
      column: where ? where.character + 1 : 0,
      message: readable(ts.flattenDiagnosticMessageText(diagnostic.messageText, " ")),
    };
  });
}

/** A method that does not fit its @workflow options: the compiler's paragraph says why in its last words (sdk/workflow.ts). */
function readable(message: string): string {
  const hint = /"@workflow": "([^"]+)"/.exec(message);
  return hint ? `@workflow: ${hint[1]}` : message;
}
