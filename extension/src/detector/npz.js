// Arrays of a NumPy .npz file (numpy.savez: a zip of .npy files, stored without compression), as the
// technique head is saved. Only what the head needs: little-endian float32, C order.

/** @param {Uint8Array} bytes @returns {Record<string, {data: Float32Array, shape: number[]}>} */
export function readNpz(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  /** @type {Record<string, {data: Float32Array, shape: number[]}>} */
  const arrays = {};
  let at = 0;
  while (at + 30 <= bytes.length && view.getUint32(at, true) === 0x04034b50) {
    const method = view.getUint16(at + 8, true);
    let size = view.getUint32(at + 18, true);
    const nameLength = view.getUint16(at + 26, true), extraLength = view.getUint16(at + 28, true);
    const name = new TextDecoder().decode(bytes.subarray(at + 30, at + 30 + nameLength));
    const extra = bytes.subarray(at + 30 + nameLength, at + 30 + nameLength + extraLength);
    if (size === 0xffffffff) {  // zip64: the real size is in the extra field
      const extraView = new DataView(extra.buffer, extra.byteOffset, extra.byteLength);
      size = Number(extraView.getBigUint64(4 + 8, true));
    }
    if (method !== 0) throw new Error(`${name}: compressed .npz members are not supported (use numpy.savez)`);
    const start = at + 30 + nameLength + extraLength;
    arrays[name.replace(/\.npy$/, "")] = readNpy(bytes.subarray(start, start + size));
    at = start + size;
  }
  return arrays;
}

function readNpy(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const header = new TextDecoder().decode(bytes.subarray(headerStart, headerStart + headerLength));
  if (!/'descr':\s*'<f4'/.test(header) || /'fortran_order':\s*True/.test(header)) throw new Error(`unsupported .npy array: ${header}`);
  const shape = (/'shape':\s*\(([^)]*)\)/.exec(header)?.[1] || "").split(",").map((s) => s.trim()).filter(Boolean).map(Number);
  const start = headerStart + headerLength;
  const copy = new Uint8Array(bytes.subarray(start, start + 4 * shape.reduce((a, b) => a * b, 1)));  // a copy, aligned
  return { data: new Float32Array(copy.buffer), shape };
}
