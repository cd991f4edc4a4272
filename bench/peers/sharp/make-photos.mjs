// Writes COUNT photo-like test images into DIR (seeded, so every run measures the same bytes): smooth colour fields,
// shapes and sensor-like noise at camera sizes (1920x1280 and 2400x1600 JPEG q92, every fifth a 1280x960 PNG),
// encoded by sharp: images DataForge did not write.
// Run: node make-photos.mjs DIR [COUNT]
import { mkdirSync } from "node:fs";
import sharp from "sharp";

const [dir, count = "40"] = process.argv.slice(2);
mkdirSync(dir, { recursive: true });
let seed = 12345;
const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
for (let i = 0; i < Number(count); i++) {
  const png = i % 5 === 4;
  const [width, height] = png ? [1280, 960] : i % 2 ? [2400, 1600] : [1920, 1280];
  const pixels = Buffer.alloc(width * height * 3);
  const [r0, g0, b0] = [random() * 255, random() * 255, random() * 255];
  const cx = random() * width, cy = random() * height, radius = (0.2 + random() * 0.3) * height;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inside = (x - cx) ** 2 + (y - cy) ** 2 < radius ** 2;
      const noise = (random() - 0.5) * 24;
      const o = (y * width + x) * 3;
      pixels[o] = Math.max(0, Math.min(255, (inside ? 255 - r0 : r0 * (x / width)) + noise));
      pixels[o + 1] = Math.max(0, Math.min(255, (inside ? 200 : g0 * (y / height)) + noise));
      pixels[o + 2] = Math.max(0, Math.min(255, (inside ? b0 / 2 : b0) + noise));
    }
  }
  const image = sharp(pixels, { raw: { width, height, channels: 3 } });
  const name = `${dir}/photo-${String(i).padStart(3, "0")}.${png ? "png" : "jpg"}`;
  await (png ? image.png() : image.jpeg({ quality: 92 })).toFile(name);
}
console.log(`wrote ${count} images to ${dir}`);
