// What `boot.js`'s render-blocking task costs before the first frame, under a DevTools trace
// (`devtools.timeline`): for each page, the task's length and the style recalculations and
// layouts inside it, median over the loads, loads interleaved (BENCHMARKS.md, "First paint").
//
//   cargo xtask build-web && npm ci --prefix tools/bench
//   (cd web/dist && python3 -m http.server 8765) &
//   RUNS=10 node tools/bench/boot_trace.mjs http://127.0.0.1:8765/index.html http://127.0.0.1:8765/embed.html
import { coldPhonePage, launch } from './chromium.mjs';

const urls = process.argv.slice(2);
const runs = Number(process.env.RUNS || 10);
const browser = await launch();
const { page, cdp } = await coldPhonePage(browser);

const seen = urls.map(() => ({ task: [], style: [], layouts: [] }));
for (let i = 0; i < runs; i++) {
  for (const [j, url] of urls.entries()) {
    await cdp.send('Network.clearBrowserCache');
    await page.goto('about:blank');
    await page.tracing.start({ categories: ['devtools.timeline'] });
    await page.goto(url, { waitUntil: 'load' });
    await new Promise((r) => setTimeout(r, 200));
    const events = JSON.parse(Buffer.from(await page.tracing.stop()).toString('utf8')).traceEvents;
    // boot.js is the page's first module.
    const boot = events.find((e) => e.name === 'v8.evaluateModule' && e.dur);
    if (!boot) throw new Error(`${url}: no module evaluated in the trace`);
    const inside = (name) => events.filter((e) => e.name === name && e.dur && e.tid === boot.tid && e.pid === boot.pid
      && e.ts >= boot.ts && e.ts + e.dur <= boot.ts + boot.dur).map((e) => e.dur / 1000);
    seen[j].task.push(boot.dur / 1000);
    seen[j].style.push(inside('UpdateLayoutTree').reduce((a, b) => a + b, 0));
    seen[j].layouts.push(inside('Layout'));
  }
}
const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
const ms = (v) => v.toFixed(1);
for (const [j, url] of urls.entries()) {
  const { task, style, layouts } = seen[j];
  const nth = (k) => layouts.map((l) => l[k] ?? 0);
  const count = Math.max(...layouts.map((l) => l.length));
  console.log(url);
  console.log(`  boot.js task ${ms(median(task))} ms, style ${ms(median(style))} ms, layouts:`,
    Array.from({ length: count }, (_, k) => `#${k + 1} ${ms(median(nth(k)))} ms`).join(', '),
    `(median of ${runs}; every load's first layout: ${nth(0).map(ms).join(' ')})`);
}
await browser.close();
