/**
 * The kiosk's camera reader, loaded by the kiosk page only on a kiosk set to
 * read cards by camera (its own bundle; the worker keeps it and the
 * WebAssembly for offline use, see sw/precache.ts).
 *
 * It reads QR and Code 128 through the browser's BarcodeDetector where the
 * browser has one for both, else through the barcode-detector package's
 * ZXing build, whose WebAssembly is served by this app (never a CDN). Each
 * new code goes to `submit`, the function the typed ID's form uses, so a
 * camera scan is answered exactly as a typed one.
 */
import { BarcodeDetector as ZxingDetector, prepareZXingModule } from 'barcode-detector/ponyfill';
import readerWasm from 'zxing-wasm/reader/zxing_reader.wasm';
import { CAMERA_READY, cameraProblem } from './kiosk-text.ts';
import { ScanHoldOff } from './scan-hold-off.ts';

const FORMATS = ['qr_code', 'code_128'] as const;
/** Between two looks at the picture: fast enough to feel instant, slow enough to leave a small kiosk's CPU for the answer. */
const LOOK_EVERY_MS = 150;

interface Detector {
  detect(source: HTMLVideoElement): Promise<Array<{ rawValue: string }>>;
}

type NativeDetectorClass = {
  new (options: { formats: readonly string[] }): Detector;
  getSupportedFormats(): Promise<string[]>;
};

async function makeDetector(): Promise<Detector> {
  const native = (globalThis as { BarcodeDetector?: NativeDetectorClass }).BarcodeDetector;
  if (native) {
    const supported = await native.getSupportedFormats().catch(() => [] as string[]);
    if (FORMATS.every((format) => supported.includes(format))) return new native({ formats: FORMATS });
  }
  // Loaded now, so a reader that cannot load is said at once rather than at the first card.
  await prepareZXingModule({
    overrides: { locateFile: (file: string, prefix: string) => (file.endsWith('.wasm') ? readerWasm : prefix + file) },
    fireImmediately: true,
  });
  return new ZxingDetector({ formats: [...FORMATS] });
}

export interface CameraOptions {
  /** Where the camera view goes: before the ID form, which stays. */
  before: HTMLElement;
  /** Checks a student in, as the form's submit does. */
  submit: (studentId: string) => void;
}

/** Shows the camera view and reads cards until the page closes; a camera that cannot start says why in plain words. */
export async function startCamera(options: CameraOptions): Promise<void> {
  const region = document.createElement('section');
  region.className = 'kiosk-camera';
  region.setAttribute('aria-label', 'Camera');
  const video = Object.assign(document.createElement('video'), { muted: true, playsInline: true, autoplay: true });
  video.setAttribute('aria-label', 'Camera view');
  video.hidden = true;
  const note = Object.assign(document.createElement('p'), { id: 'camera-status', textContent: 'Starting the camera…' });
  note.setAttribute('role', 'status');
  // The page's style sheet is shared by every device; these few rules are only for kiosks with a camera.
  Object.assign(region.style, { display: 'grid', justifyItems: 'center', gap: '0.5rem', margin: '0 auto 1rem', maxWidth: '32rem' });
  Object.assign(video.style, { width: '100%', borderRadius: '12px', background: '#000', transform: 'scaleX(-1)' });
  region.append(video, note);
  options.before.before(region);

  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'user', width: { ideal: 1280 } }, audio: false });
  } catch (error) {
    note.textContent = cameraProblem(error instanceof DOMException ? error.name : 'unknown');
    return;
  }
  let detector: Detector;
  try {
    detector = await makeDetector();
  } catch {
    stream.getTracks().forEach((track) => track.stop());
    note.textContent = cameraProblem('reader-unavailable');
    return;
  }
  video.srcObject = stream;
  video.hidden = false;
  await video.play().catch(() => undefined);
  note.textContent = CAMERA_READY;

  const holdOff = new ScanHoldOff();
  const look = async (): Promise<void> => {
    if (video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA && !document.hidden) {
      const found = await detector.detect(video).catch(() => []);
      const code = found.map((barcode) => barcode.rawValue.trim()).find((value) => value !== '');
      if (code !== undefined && holdOff.accept(code, Date.now())) options.submit(code);
    }
    setTimeout(() => void look(), LOOK_EVERY_MS);
  };
  void look();
}
