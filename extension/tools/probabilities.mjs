// Span probabilities of texts by the extension's detector code, for the parity test against Python:
//   node tools/probabilities.mjs MODEL_DIR < texts.json > probabilities.json
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { encodeArticle } from "../src/detector/encode.js";
import { Encoder } from "../src/detector/encoder.js";
import { WordPiece } from "../src/detector/wordpiece.js";

const folder = process.argv[2];
const info = JSON.parse(readFileSync(join(folder, "detector.json"), "utf-8"));
const tokenizer = new WordPiece(JSON.parse(readFileSync(join(folder, "tokenizer.json"), "utf-8")));
const encoder = await Encoder.load(readFileSync(join(folder, "encoder.onnx")));
const texts = JSON.parse(readFileSync(0, "utf-8"));
const model = { tokenizer, encoder, maxTokens: info.max_tokens, overlap: info.overlap };
const out = [];
const started = Date.now();
let tokens = 0;
for (const text of texts) {
  const encoded = await encodeArticle(text, model);
  tokens += encoded.ids.length;
  out.push({ span: Array.from(encoded.spanProbabilities), begin: Array.from(encoded.begins) });
}
process.stderr.write(`${texts.length} texts, ${tokens} tokens in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
process.stdout.write(JSON.stringify(out));
