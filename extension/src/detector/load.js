// The shipped model, as packed into the extension by `make extension` (model/ beside the scripts), loaded
// once: tokenizer, encoder graph (onnxruntime-web), technique head, settings, stop words, techniques.
import { Detector } from "./detector.js";
import { Encoder } from "./encoder.js";
import { readNpz } from "./npz.js";
import { TechniqueHead } from "./technique.js";
import { WordPiece } from "./wordpiece.js";

/** @param {(name: string) => string} url where each of the extension's files is */
export async function loadDetector(url) {
  const bytes = async (name) => new Uint8Array(await (await fetch(url(name))).arrayBuffer());
  const json = async (name) => (await fetch(url(name))).json();
  const [tokenizer, info, head, stopWords, techniques, graph] = await Promise.all([
    json("model/tokenizer.json"), json("model/detector.json"), bytes("model/technique_head.npz"),
    json("model/stop-words.json"), json("model/techniques.json"), bytes("model/encoder.onnx"),
  ]);
  const detector = new Detector({
    tokenizer: new WordPiece(tokenizer),
    encoder: await Encoder.load(graph, url("ort/")),
    head: new TechniqueHead(readNpz(head)),
    info,
    stopWords: new Set(stopWords),
  });
  return { detector, techniques };
}
