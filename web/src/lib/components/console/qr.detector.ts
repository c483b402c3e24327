// The QR reader of the console's scanner: the browser's own BarcodeDetector where it reads QR codes
// (Chrome on Android), else barcode-detector's ponyfill (ZXing-C++ compiled to WebAssembly) for Safari,
// Firefox and desktop Chrome. The ponyfill is imported only when the camera starts, and its .wasm is
// one of our built assets (Vite's ?url): by default zxing-wasm fetches it from a CDN, which the
// Content-Security-Policy forbids and a public office's network may block.
export interface QrDetector {
  detect(source: HTMLVideoElement): Promise<{ rawValue: string }[]>;
}
type DetectorClass = (new (opts: { formats: string[] }) => QrDetector) & { getSupportedFormats?: () => Promise<string[]> };

async function nativeDetector(): Promise<QrDetector | null> {
  const Native = (globalThis as unknown as { BarcodeDetector?: DetectorClass }).BarcodeDetector;
  if (!Native) return null;
  try {
    const formats = (await Native.getSupportedFormats?.()) ?? ['qr_code'];
    return formats.includes('qr_code') ? new Native({ formats: ['qr_code'] }) : null;
  } catch {
    return null;
  }
}

export async function qrDetector(): Promise<QrDetector> {
  const native = await nativeDetector();
  if (native) return native;
  const [{ BarcodeDetector, prepareZXingModule }, { default: wasmUrl }] = await Promise.all([
    import('barcode-detector/ponyfill'),
    import('zxing-wasm/reader/zxing_reader.wasm?url'),
  ]);
  prepareZXingModule({ overrides: { locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? wasmUrl : prefix + path) } });
  return new BarcodeDetector({ formats: ['qr_code'] });
}
