// Builds the extension from src/ (bundled by esbuild, one script per entry) and static/ (copied):
//   node build.mjs [--out DIR] [--test]
// --test keeps the hooks the browser tests drive (code under `if (__TEST__)`); the product build drops
// them (esbuild removes the dead branches), so the zip carries no test hooks.
import { build } from "esbuild";
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: { out: { type: "string", default: join(here, "..", "dist", "extension") }, test: { type: "boolean", default: false } },
});

values.out = resolve(values.out);  // esbuild resolves relative paths from absWorkingDir, not from here
rmSync(values.out, { recursive: true, force: true });
mkdirSync(values.out, { recursive: true });
cpSync(join(here, "static"), values.out, { recursive: true });
// onnxruntime-web's WebAssembly (its loader is bundled into offscreen.js); the model itself is copied
// from the Python package by tools/model_files.py (make extension)
mkdirSync(join(values.out, "ort"), { recursive: true });
cpSync(join(here, "node_modules", "onnxruntime-web", "dist", "ort-wasm-simd-threaded.wasm"), join(values.out, "ort", "ort-wasm-simd-threaded.wasm"));
await build({
  entryPoints: ["background", "content", "offscreen", "options", "popup"].map((name) => join(here, "src", `${name}.js`)),
  outdir: values.out,
  bundle: true,
  format: "iife",
  target: ["chrome110", "firefox115"],
  define: { __TEST__: String(values.test) },
  // the WebAssembly build alone, its loader bundled in (an extension page may not import code at run time)
  alias: { "onnxruntime-web": "onnxruntime-web/wasm" },
  absWorkingDir: here,
  minifySyntax: true,  // drops the `if (__TEST__)` branches of the product build
  legalComments: "none",
  logLevel: "warning",
});
console.log(`built ${values.out}${values.test ? " (with test hooks)" : ""}`);
