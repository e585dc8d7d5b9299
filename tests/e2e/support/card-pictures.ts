/**
 * A printed card as a reader sees it: its barcodes decoded in Node with
 * ZXing (the same WebAssembly the kiosk loads), and its picture as a Y4M
 * video file for Chromium's fake camera.
 *
 * Y4M (YUV4MPEG2) is one text header line, then frames, each "FRAME\n"
 * followed by the raw Y plane, then the U and V planes at half the width and
 * height (4:2:0). Chromium loops the file for as long as the camera is open.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';

const require = createRequire(import.meta.url);

let prepared: Promise<unknown> | null = null;

/** Every barcode ZXing finds in a PNG, as `format: text`. */
export async function decodePng(png: Uint8Array): Promise<string[]> {
  prepared ??= prepareZXingModule({
    overrides: { wasmBinary: fs.readFileSync(require.resolve('zxing-wasm/reader/zxing_reader.wasm')).buffer as ArrayBuffer },
    fireImmediately: true,
  });
  await prepared;
  const found = await readBarcodes(png, { formats: ['QRCode', 'Code128'], tryHarder: true, maxNumberOfSymbols: 4 });
  return found.filter((r) => r.isValid).map((r) => `${r.format}: ${r.text}`);
}

export const FRAME = { width: 640, height: 480 };

/** The PNG's pixels centred on a white frame the camera's size, read back through a canvas in `page`. */
async function framePixels(page: Page, png: Uint8Array): Promise<Uint8Array> {
  const base64 = await page.evaluate(
    async ({ data, width, height }) => {
      const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      const picture = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
      const canvas = new OffscreenCanvas(width, height);
      const context = canvas.getContext('2d');
      if (!context) throw new Error('No 2D canvas');
      context.fillStyle = '#fff';
      context.fillRect(0, 0, width, height);
      const scale = Math.min((width * 0.9) / picture.width, (height * 0.9) / picture.height);
      const w = picture.width * scale;
      const h = picture.height * scale;
      context.drawImage(picture, (width - w) / 2, (height - h) / 2, w, h);
      const rgba = context.getImageData(0, 0, width, height).data;
      let text = '';
      for (let i = 0; i < rgba.length; i += 0x8000) text += String.fromCharCode(...rgba.subarray(i, i + 0x8000));
      return btoa(text);
    },
    { data: Buffer.from(png).toString('base64'), ...FRAME },
  );
  return new Uint8Array(Buffer.from(base64, 'base64'));
}

/** Writes `png` as a Y4M file of two identical frames (BT.601 studio range, as Chromium reads it). */
export async function writeY4m(page: Page, png: Uint8Array, file: string): Promise<void> {
  const { width, height } = FRAME;
  const rgba = await framePixels(page, png);
  const y = new Uint8Array(width * height);
  const u = new Uint8Array((width / 2) * (height / 2));
  const v = new Uint8Array((width / 2) * (height / 2));
  for (let row = 0; row < height; row++)
    for (let col = 0; col < width; col++) {
      const i = (row * width + col) * 4;
      const [r, g, b] = [rgba[i] ?? 0, rgba[i + 1] ?? 0, rgba[i + 2] ?? 0];
      y[row * width + col] = Math.round(16 + (65.738 * r + 129.057 * g + 25.064 * b) / 256);
      if (row % 2 === 0 && col % 2 === 0) {
        const c = (row / 2) * (width / 2) + col / 2;
        u[c] = Math.round(128 + (-37.945 * r - 74.494 * g + 112.439 * b) / 256);
        v[c] = Math.round(128 + (112.439 * r - 94.154 * g - 18.285 * b) / 256);
      }
    }
  const frame = Buffer.concat([Buffer.from('FRAME\n'), y, u, v]);
  fs.writeFileSync(file, Buffer.concat([Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`), frame, frame]));
}
