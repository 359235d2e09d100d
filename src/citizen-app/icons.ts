import { PNG } from 'pngjs';

/*
 * The app's icons, drawn once at start: a white card on ThaID blue with a round head on it. Browsers install a
 * web app only with PNG icons of 192 and 512 pixels.
 */

const blue = [0x1a, 0x3e, 0x8c];
const white = [0xff, 0xff, 0xff];

function colourAt(x: number, y: number, size: number): number[] {
  const u = x / size;
  const v = y / size;
  const inCard = u > 0.18 && u < 0.82 && v > 0.28 && v < 0.72;
  const head = Math.hypot(u - 0.36, v - 0.46) < 0.09;
  const lines = (v > 0.42 && v < 0.45 && u > 0.5 && u < 0.74) || (v > 0.52 && v < 0.55 && u > 0.5 && u < 0.68);
  return inCard && !head && !lines ? white : blue;
}

export function appIcon(size: number): Buffer {
  const png = new PNG({ width: size, height: size });
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const at = (y * size + x) * 4;
      const [r, g, b] = colourAt(x, y, size);
      png.data[at] = r!;
      png.data[at + 1] = g!;
      png.data[at + 2] = b!;
      png.data[at + 3] = 0xff;
    }
  }
  return PNG.sync.write(png);
}
