// typescript-eslint's recommended rules, run by `npm test` (docs/development.md).
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import globals from "globals";
import reactHooks from "eslint-plugin-react-hooks";

export default tseslint.config(
  { ignores: ["node_modules/", "console/dist/", "src/storage/generated/", "bench/profiles/", "test/types-failing/"] },
  js.configs.recommended,
  { languageOptions: { globals: globals.node } },
  tseslint.configs.recommended,
  {
    rules: {
      // A leading underscore names what is left out on purpose (a destructured field, a callback's argument).
      "@typescript-eslint/no-unused-vars": [
        "error",
        {
          argsIgnorePattern: "^_",
          varsIgnorePattern: "^_",
          destructuredArrayIgnorePattern: "^_",
          ignoreRestSiblings: true,
        },
      ],
    },
  },
  { files: ["console/src/**"], plugins: { "react-hooks": reactHooks }, rules: reactHooks.configs.recommended.rules },
  // Tests read JSON answers of every shape, including wrong ones on purpose.
  { files: ["test/**"], rules: { "@typescript-eslint/no-explicit-any": "off" } },
  {
    files: ["**/*.cjs"],
    languageOptions: { sourceType: "commonjs", globals: { module: "writable", require: "readonly" } },
  },
);
