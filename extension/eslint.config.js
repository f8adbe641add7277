// ESLint for the extension's sources and build script (npm run lint; make lint runs it).
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["node_modules/", "dist/", "../dist/"] },
  js.configs.recommended,
  {
    files: ["src/**/*.js"],
    languageOptions: {
      sourceType: "module",
      globals: { ...globals.browser, ...globals.webextensions, __TEST__: "readonly" },
    },
    rules: { "no-unused-vars": ["error", { argsIgnorePattern: "^_" }], eqeqeq: "error", "prefer-const": "error" },
  },
  { files: ["*.js", "*.mjs", "tools/**/*.mjs"], languageOptions: { globals: globals.node } },
];
