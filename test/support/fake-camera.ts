import fs from 'node:fs';
import QRCode from 'qrcode';

/*
 * What Chromium's fake camera films (--use-file-for-fake-video-capture): a Y4M file of one frame, which it plays
 * in a loop. Chromium opens the file each time a page starts the camera, so a test writes the QR code of the
 * moment just before the phone opens its camera.
 */

const WIDTH = 640;
const HEIGHT = 480;

/** One greyscale frame (4:2:0, chroma flat) showing `text` as a QR code with its quiet zone, centred. */
export function writeQrFrame(path: string, text: string): void {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const quiet = 4;
  const scale = Math.floor((HEIGHT * 0.9) / (modules.size + 2 * quiet));
  const side = (modules.size + 2 * quiet) * scale;
  const left = Math.floor((WIDTH - side) / 2);
  const top = Math.floor((HEIGHT - side) / 2);
  const luma = Buffer.alloc(WIDTH * HEIGHT, 235);
  for (let row = 0; row < modules.size; row++) {
    for (let column = 0; column < modules.size; column++) {
      if (!modules.get(row, column)) continue;
      for (let y = 0; y < scale; y++) {
        const start = (top + (row + quiet) * scale + y) * WIDTH + left + (column + quiet) * scale;
        luma.fill(16, start, start + scale);
      }
    }
  }
  const chroma = Buffer.alloc((WIDTH / 2) * (HEIGHT / 2) * 2, 128);
  fs.writeFileSync(path, Buffer.concat([Buffer.from(`YUV4MPEG2 W${WIDTH} H${HEIGHT} F10:1 Ip A1:1 C420jpeg\nFRAME\n`), luma, chroma]));
}
