/**
 * @module ui/components/QrScanner
 * Reads a QR code through the camera: the browser's BarcodeDetector where it has one (Android,
 * macOS, ChromeOS), otherwise jsQR, loaded only when a scan starts. Frames never leave the page.
 */
import { useEffect, useRef, useState } from 'preact/hooks';

type Detector = { detect(source: CanvasImageSource): Promise<{ rawValue: string }[]> };
type DetectorClass = { new (options: { formats: string[] }): Detector; getSupportedFormats(): Promise<string[]> };

/** A decoder for one frame: BarcodeDetector when it reads QR codes here, else jsQR. */
async function frameDecoder(): Promise<(canvas: HTMLCanvasElement) => Promise<string | undefined>> {
  const native = (globalThis as { BarcodeDetector?: DetectorClass }).BarcodeDetector;
  if (native && (await native.getSupportedFormats().catch((): string[] => [])).includes('qr_code')) {
    const detector = new native({ formats: ['qr_code'] });
    return async (canvas) => (await detector.detect(canvas))[0]?.rawValue;
  }
  // jsqr is CommonJS (`export =`); its default import is the decoder function.
  const jsQR = ((await import('jsqr')) as unknown as { default: (data: Uint8ClampedArray, width: number, height: number, options?: { inversionAttempts?: string }) => { data: string } | null }).default;
  return async (canvas) => {
    const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    const image = ctx.getImageData(0, 0, canvas.width, canvas.height);
    return jsQR(image.data, image.width, image.height, { inversionAttempts: 'dontInvert' })?.data;
  };
}

const CAMERA_ERRORS: Record<string, string> = {
  NotAllowedError: 'Camera access was refused. Allow the camera for this site, or compare the digits instead.',
  NotFoundError: 'No camera was found. Compare the digits instead.',
  NotReadableError: 'The camera is in use by another app. Close it and try again, or compare the digits.',
};

export function QrScanner({ onResult, onCancel }: { onResult(text: string): void; onCancel(): void }) {
  const video = useRef<HTMLVideoElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const [error, setError] = useState<string | undefined>();
  // The Scan button that opened this is gone: without this, keyboard focus falls to the page.
  useEffect(() => cancel.current?.focus(), []);
  useEffect(() => {
    let stream: MediaStream | undefined;
    let stopped = false;
    const canvas = document.createElement('canvas');
    (async () => {
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
      } catch (e) {
        setError(CAMERA_ERRORS[(e as DOMException).name] ?? 'The camera could not be opened. Compare the digits instead.');
        return;
      }
      if (stopped) return;
      const el = video.current!;
      el.srcObject = stream;
      await el.play().catch(() => {});
      const decode = await frameDecoder();
      // A few frames a second is plenty for a code held still, and spares the battery.
      while (!stopped) {
        if (el.videoWidth > 0) {
          canvas.width = el.videoWidth;
          canvas.height = el.videoHeight;
          canvas.getContext('2d', { willReadFrequently: true })!.drawImage(el, 0, 0);
          const text = await decode(canvas).catch(() => undefined);
          if (text && !stopped) {
            onResult(text);
            return;
          }
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    return () => {
      stopped = true;
      for (const track of stream?.getTracks() ?? []) track.stop();
    };
  }, []);
  return (
    <div class="scanner" data-scanner onKeyDown={(e) => e.key === 'Escape' && onCancel()}>
      {error ? (
        <p class="banner warning" role="alert" data-scanner-error>{error}</p>
      ) : (
        <video ref={video} muted playsInline aria-label="Camera view: hold the other person's safety number code in the frame" />
      )}
      <button class="secondary" ref={cancel} onClick={onCancel}>Cancel scanning</button>
    </div>
  );
}
