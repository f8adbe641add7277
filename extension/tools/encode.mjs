// Tokenise texts with the extension's WordPiece, for the parity test against the Python tokenizer:
//   node tools/encode.mjs TOKENIZER_JSON < texts.json > encodings.json   (texts: a JSON list of strings)
import { readFileSync } from "node:fs";
import { WordPiece } from "../src/detector/wordpiece.js";

const tokenizer = new WordPiece(JSON.parse(readFileSync(process.argv[2], "utf-8")));
const texts = JSON.parse(readFileSync(0, "utf-8"));
process.stdout.write(JSON.stringify(texts.map((text) => tokenizer.encode(text))));
