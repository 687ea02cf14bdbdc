/**
 * @module test/support/fakeCamera
 * A camera that shows a QR code: Chromium's fake capture device reads a Y4M file
 * (`--use-file-for-fake-video-capture`), opened when a page starts capturing, so a test can
 * write the file after the browser is up, once it knows what the code must say.
 */
import { writeFileSync } from 'node:fs';
import { create } from 'qrcode';

/** Chromium flags for a fake camera reading `y4mPath`, with the permission prompt auto-accepted. */
export function fakeCameraFlags(y4mPath: string): string[] {
  return ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${y4mPath}`];
}

/** Writes a Y4M video (4:2:0, a few identical frames) of `text` as a QR code on white. */
export function writeQrVideo(y4mPath: string, text: string, size = 480): void {
  const qr = create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const quiet = 4;
  const scale = Math.floor(size / (n + 2 * quiet));
  const offset = Math.floor((size - scale * n) / 2);
  const y = Buffer.alloc(size * size, 235); // studio-swing white
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) {
      if (!qr.modules.get(row, col)) continue;
      for (let dy = 0; dy < scale; dy++) y.fill(16, (offset + row * scale + dy) * size + offset + col * scale, (offset + row * scale + dy) * size + offset + (col + 1) * scale);
    }
  }
  const chroma = Buffer.alloc((size / 2) * (size / 2), 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), y, chroma, chroma]);
  writeFileSync(y4mPath, Buffer.concat([Buffer.from(`YUV4MPEG2 W${size} H${size} F10:1 Ip A1:1 C420jpeg\n`), ...Array.from({ length: 5 }, () => frame)]));
}

/** Writes a Y4M video of a plain white frame: a camera that sees no code, so a scanner stays open. */
export function writeBlankVideo(y4mPath: string, size = 480): void {
  const frame = Buffer.concat([Buffer.from('FRAME\n'), Buffer.alloc(size * size, 235), Buffer.alloc((size / 2) * (size / 2) * 2, 128)]);
  writeFileSync(y4mPath, Buffer.concat([Buffer.from(`YUV4MPEG2 W${size} H${size} F10:1 Ip A1:1 C420jpeg\n`), frame, frame]));
}
