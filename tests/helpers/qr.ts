// Reads QR codes in Node with zxing-wasm, the decoder the console's scanner ships (through
// barcode-detector): a test that decodes an image proves what a phone will read from it. The .wasm comes
// from node_modules, never from the network.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';

const require = createRequire(import.meta.url);
let ready: Promise<unknown> | null = null;

/** The texts of the QR codes in an encoded image (PNG, JPEG...). */
export async function decodeQr(image: Buffer): Promise<string[]> {
  ready ??= readFile(require.resolve('zxing-wasm/reader/zxing_reader.wasm')).then((wasm) =>
    prepareZXingModule({
      overrides: { wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer },
      fireImmediately: true,
    }),
  );
  await ready;
  const found = await readBarcodes(new Blob([new Uint8Array(image)], { type: 'image/png' }), { formats: ['QRCode'] });
  return found.map((f) => f.text);
}
