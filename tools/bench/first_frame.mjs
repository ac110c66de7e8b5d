// Navigation -> the first animation frame with a diagram's arrow, for several pages side by side:
// what `cargo bench -p synack-tests --bench first_paint` measures, without the gzip server, so
// that variants of a page can be compared (BENCHMARKS.md, "First paint"). Runs interleaved.
//
//   npm ci --prefix tools/bench
//   (cd web/dist && python3 -m http.server 8765) &
//   RUNS=21 node tools/bench/first_frame.mjs http://127.0.0.1:8765/index.html http://127.0.0.1:8765/variant.html
//
// SLOW=1 adds the benchmark's 1.6 Mbps / 150 ms network, CPU=4 its CPU slowdown. Variants compared
// at 1.6 Mbps need their gzip copies beside them (`gzip -9 -k`), as the build writes them, and a
// server that sends them (`cargo xtask serve`).
import { readFileSync } from 'node:fs';
import { coldPhonePage, launch } from './chromium.mjs';

const urls = process.argv.slice(2);
const runs = Number(process.env.RUNS || 15);
const browser = await launch();
const { page, cdp } = await coldPhonePage(browser);
if (process.env.SLOW) {
  await cdp.send('Network.emulateNetworkConditions',
    { offline: false, latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 750e3 / 8 });
}
if (process.env.CPU) await cdp.send('Emulation.setCPUThrottlingRate', { rate: Number(process.env.CPU) });
// The benchmark's own observer: window.__firstDiagram, the first frame with a diagram's arrows.
await page.evaluateOnNewDocument(readFileSync(new URL('./first_diagram.js', import.meta.url), 'utf8'));
const T = urls.map(() => []);
for (let i = 0; i < runs; i++) {
  for (const [j, url] of urls.entries()) { const t = T[j];
    await cdp.send('Network.clearBrowserCache');
    await page.goto('about:blank');
    await page.goto(url);
    let v = null;
    for (let k = 0; k < 400 && v == null; k++) { v = await page.evaluate(() => window.__firstDiagram || null); if (v == null) await new Promise(r => setTimeout(r, 25)); }
    t.push(v);
  }
}
for (const [j, url] of urls.entries()) { const t = T[j];
  t.sort((a,b)=>a-b);
  console.log(url, 'median', t[t.length>>1].toFixed(1), 'min', t[0].toFixed(1), 'all', t.map(x=>x.toFixed(0)).join(' '));
}
await browser.close();
