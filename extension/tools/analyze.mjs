// Fragments of texts by the extension's in-browser detector, for the parity test against Python:
//   node tools/analyze.mjs MODEL_DIR STOP_WORDS_JSON < texts.json > analyses.json
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Detector } from "../src/detector/detector.js";
import { Encoder } from "../src/detector/encoder.js";
import { readNpz } from "../src/detector/npz.js";
import { TechniqueHead } from "../src/detector/technique.js";
import { WordPiece } from "../src/detector/wordpiece.js";

const folder = process.argv[2];
const detector = new Detector({
  tokenizer: new WordPiece(JSON.parse(readFileSync(join(folder, "tokenizer.json"), "utf-8"))),
  encoder: await Encoder.load(readFileSync(join(folder, "encoder.onnx"))),
  head: new TechniqueHead(readNpz(readFileSync(join(folder, "technique_head.npz")))),
  info: JSON.parse(readFileSync(join(folder, "detector.json"), "utf-8")),
  stopWords: new Set(JSON.parse(readFileSync(process.argv[3], "utf-8"))),
});
const texts = JSON.parse(readFileSync(0, "utf-8"));
const out = [];
const started = Date.now();
for (const text of texts) out.push(await detector.analyze(text));
process.stderr.write(`${texts.length} texts in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
process.stdout.write(JSON.stringify(out));
