// The exported encoder graph run by onnxruntime-web (WebAssembly): one window at a time, unpadded, as
// proplens/models/onnx_encoder.py runs it, so a window's outputs depend on nothing else.
import * as ort from "onnxruntime-web";

export class Encoder {
  /** @param {any} session an onnxruntime-web InferenceSession of the model's encoder.onnx */
  constructor(session) { this.session = session; }

  /** Load the graph (its bytes, or a URL the runtime fetches); one thread: the page's and the browser's
   * other work keep their cores. `wasm`: the folder holding onnxruntime-web's .wasm file (in Node it
   * is found by itself). @param {Uint8Array | string} graph @param {string} [wasm] */
  static async load(graph, wasm) {
    ort.env.wasm.numThreads = 1;
    // only the .wasm binary's place: the loader is bundled (a page of the extension cannot import code)
    if (wasm) ort.env.wasm.wasmPaths = { wasm: `${wasm}ort-wasm-simd-threaded.wasm` };
    // int8-stored weights are folded into fp32 constants, never run by int8 kernels (which differ between
    // CPUs): the same arithmetic as proplens/models/onnx_encoder.py
    const options = {
      graphOptimizationLevel: /** @type {const} */ ("all"),
      extra: { session: { disable_quant_qdq: "1" } },
    };
    const session = typeof graph === "string"
      ? await ort.InferenceSession.create(graph, options)
      : await ort.InferenceSession.create(graph, options);
    return new Encoder(session);
  }

  /** One window of token ids (with its special tokens) -> tag logits [T*3] and token vectors [T*H].
   * @param {number[]} ids */
  async window(ids) {
    const shape = [1, ids.length];
    const inputIds = new ort.Tensor("int64", BigInt64Array.from(ids, (i) => BigInt(i)), shape);
    const mask = new ort.Tensor("int64", new BigInt64Array(ids.length).fill(1n), shape);
    const out = await this.session.run({ input_ids: inputIds, attention_mask: mask });
    return {
      tagLogits: /** @type {Float32Array} */ (out.tag_logits.data),
      hidden: /** @type {Float32Array} */ (out.hidden.data),
      width: out.hidden.dims[2],
    };
  }
}
