// Builds the extension from src/ (bundled by esbuild, one script per entry) and static/ (copied):
//   node build.mjs [--out DIR] [--test]
// --test keeps the hooks the browser tests drive (code under `if (__TEST__)`); the product build drops
// them (esbuild removes the dead branches), so the zip carries no test hooks.
import { build } from "esbuild";
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: { out: { type: "string", default: join(here, "..", "dist", "extension") }, test: { type: "boolean", default: false } },
});

rmSync(values.out, { recursive: true, force: true });
mkdirSync(values.out, { recursive: true });
cpSync(join(here, "static"), values.out, { recursive: true });
await build({
  entryPoints: ["background", "content", "options", "popup"].map((name) => join(here, "src", `${name}.js`)),
  outdir: values.out,
  bundle: true,
  format: "iife",
  target: ["chrome110", "firefox115"],
  define: { __TEST__: String(values.test) },
  minifySyntax: true,  // drops the `if (__TEST__)` branches of the product build
  legalComments: "none",
  logLevel: "warning",
});
console.log(`built ${values.out}${values.test ? " (with test hooks)" : ""}`);
