// The peer of DataForge.Bench resize: every image of DIR decoded, fitted inside MAX_SIDE x MAX_SIDE (Mitchell, as
// DataForge's ImageReencoder resamples) and encoded as JPEG (PNG when it has transparency) by sharp (libvips) on one
// thread (sharp.concurrency(1); run with UV_THREADPOOL_SIZE=1), one image at a time; a warm-up pass, then
// BENCH_PASSES (5) passes, the median printed as one JSON line.
// Run: node resize.mjs DIR MAX_SIDE [QUALITY]   (after npm ci in bench/peers/sharp)
import { readdirSync, readFileSync } from "node:fs";
import sharp from "sharp";

sharp.concurrency(1);
sharp.cache(false);
const [dir, maxSide, quality = "90"] = process.argv.slice(2);
const files = readdirSync(dir).filter(name => name.endsWith(".jpg") || name.endsWith(".png")).sort();
const images = files.map(name => readFileSync(`${dir}/${name}`));
const passes = Number(process.env.BENCH_PASSES ?? 5);
let outBytes = 0;
async function pass() {
  const start = process.hrtime.bigint();
  outBytes = 0;
  for (const image of images) {
    const pipeline = sharp(image).rotate().resize(Number(maxSide), Number(maxSide), { fit: "inside", withoutEnlargement: true, kernel: "mitchell" });
    const { hasAlpha } = await sharp(image).metadata();
    const out = hasAlpha ? await pipeline.png().toBuffer() : await pipeline.jpeg({ quality: Number(quality) }).toBuffer();
    outBytes += out.length;
  }
  return Number(process.hrtime.bigint() - start) / 1e9;
}
await pass();
const seconds = [];
for (let i = 0; i < passes; i++) seconds.push(await pass());
seconds.sort((a, b) => a - b);
const median = seconds[Math.floor(passes / 2)];
console.log(JSON.stringify({ tool: `sharp ${sharp.versions.sharp} (libvips ${sharp.versions.vips})`, images: images.length, seconds: Number(median.toFixed(4)), images_per_second: Number((images.length / median).toFixed(1)), output_bytes: outBytes }));
