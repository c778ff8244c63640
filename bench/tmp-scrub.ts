import { randomBytes } from "node:crypto";
import { SecretScrubber } from "../src/secrets/index.ts";
let sink = 0;
for (const secrets of [10, 100, 1000]) {
  const values = Array.from({ length: secrets }, () => `tok_${randomBytes(12).toString("hex")}`);
  const words = ["GET", "/api/orders", "200", "user", "charged", "retry", "ok", "latency=12ms", "region=eu"];
  let text = ""; let i = 0;
  while (text.length < 1024 * 1024) { text += `${words[i % words.length]} ${i % 97 === 0 ? values[i % values.length] : words[(i * 7) % words.length]}\n`; i++; }
  let t = performance.now();
  const s = new SecretScrubber(values);
  const build = performance.now() - t;
  s.scrub(text);
  t = performance.now(); for (let r = 0; r < 20; r++) s.scrub(text); const scrub = (performance.now() - t) / 20;
  const absent = `tok_${randomBytes(12).toString("hex")}`;
  text.indexOf(absent);
  t = performance.now(); for (let r = 0; r < 20; r++) sink += text.indexOf(`tok_${randomBytes(12).toString("hex")}`); const idx = (performance.now() - t) / 20;
  t = performance.now(); for (let n = 1; n <= 20; n++) sink += text.indexOf(String.fromCharCode(n === 10 ? 30 : n)); const idx1 = (performance.now() - t) / 20;
  t = performance.now(); for (let r = 0; r < 20; r++) sink += text.indexOf(values[0]); const idxp = (performance.now() - t) / 20;
  console.log(secrets, "build", build.toFixed(1), "scrub", scrub.toFixed(2), "indexOf(absent secret)", idx.toFixed(3), "indexOf(1 char)", idx1.toFixed(4), "indexOf(present)", idxp.toFixed(4));
}
console.log(sink);
