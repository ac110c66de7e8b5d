// Opens scenario or capture files in the page as a reader would (the file picker), under a light
// DevTools trace (`toplevel`), and prints for each opening the longest time between two animation
// frames, the renderer main thread's longest task, and, for each frame dropped, how busy that
// thread was meanwhile: whether the page's own work held the frame up (BENCHMARKS.md, the hostile
// files). `cargo bench -p synack-tests --bench web` measures the same openings without a trace.
//
//   cargo xtask build-web && npm ci --prefix tools/bench
//   (cd web/dist && python3 -m http.server 8765) &
//   REPS=6 node tools/bench/hostile_trace.mjs crates/tcp-sim/tests/adversarial/*.{toml,json}
//
// REPS openings of each file (default 4); URL the page (default http://127.0.0.1:8765/index.html).
import fs from 'node:fs';
import { launch } from './chromium.mjs';

const files = process.argv.slice(2);
const reps = Number(process.env.REPS || 4);
const browser = await launch();
const page = await browser.newPage();
await page.setViewport({ width: 1280, height: 900 });
await page.goto(process.env.URL || 'http://127.0.0.1:8765/index.html');
await page.waitForSelector('#entry');
// The file picker's work in slices comes with the full module: opening the settings loads it.
await page.click('details.settings > summary');
await page.waitForSelector('[data-testid=set-delay]', { timeout: 30000 });

// In the page: from the handshake, open the file and wait until its work is over and drawn;
// returns the frames that came late, as [ms after the opening, gap].
const OPEN = `async (name, b64) => {
  const select = document.querySelector('#entry');
  select.value = 'handshake';
  select.dispatchEvent(new Event('change', { bubbles: true }));
  await new Promise((r) => setTimeout(r, 300));
  const handshake = document.getElementById('diagram')?.getAttribute('aria-label');
  const files = new DataTransfer();
  files.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], name));
  const late = [];
  let [last, going] = [performance.now(), true];
  const t0 = performance.now();
  const tick = (t) => { if (t - last > 17) late.push([t - t0, t - last]); last = t; if (going) requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  performance.mark('open');
  const input = document.querySelector('input[type=file]');
  input.files = files.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
  const busy = () => document.querySelector('[data-testid=simulating]') !== null;
  const title = () => document.getElementById('diagram')?.getAttribute('aria-label');
  let seen = false;
  for (let waited = 0; waited < 20000; waited += 5) {
    seen ||= busy();
    if (!busy() && (seen || title() !== handshake)) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  await new Promise((r) => setTimeout(r, 700));
  going = false;
  return late;
}`;

let [openings, dropped] = [0, 0];
for (const file of files) {
  const b64 = fs.readFileSync(file).toString('base64');
  const name = file.split('/').pop();
  for (let rep = 0; rep < reps; rep++) {
    await page.tracing.start({ categories: ['toplevel', 'blink.user_timing'] });
    const late = await page.evaluate(`(${OPEN})(${JSON.stringify(name)}, ${JSON.stringify(b64)})`);
    const events = JSON.parse(Buffer.from(await page.tracing.stop()).toString('utf8')).traceEvents;
    const thread = {};
    for (const e of events) if (e.name === 'thread_name') thread[`${e.pid}:${e.tid}`] = e.args.name;
    const mark = events.find((e) => e.name === 'open' && e.cat.includes('user_timing'));
    const tasks = events.filter((e) => e.ph === 'X' && thread[`${e.pid}:${e.tid}`] === 'CrRendererMain'
      && (e.name === 'ThreadControllerImpl::RunTask' || e.name === 'RunTask') && mark && e.ts >= mark.ts);
    const top = tasks.reduce((a, e) => (a && a.dur >= e.dur ? a : e), null);
    const longest = top ? top.dur / 1000 : 0;
    const longestAt = top ? (top.ts - mark.ts) / 1000 : 0;
    openings += 1;
    dropped += late.length > 0 ? 1 : 0;
    const gap = Math.max(16.7, ...late.map(([, g]) => g));
    console.log(`${name.padEnd(36)} longest frame gap ${gap.toFixed(1).padStart(5)} ms   longest main-thread task ${longest.toFixed(1).padStart(5)} ms (at ${longestAt.toFixed(0)} ms)`);
    for (const [at, g] of late) {
      const [lo, hi] = [mark.ts + (at - g) * 1000, mark.ts + at * 1000];
      let [busy, touching] = [0, 0];
      for (const e of tasks) if (e.ts < hi && e.ts + e.dur > lo) {
        busy += Math.min(hi, e.ts + e.dur) - Math.max(lo, e.ts);
        touching = Math.max(touching, e.dur);
      }
      console.log(`    frame late: ${g.toFixed(1)} ms to ${at.toFixed(0)} ms; main thread busy ${(busy / 1000).toFixed(1)} ms of it, its longest task ${(touching / 1000).toFixed(1)} ms`);
    }
  }
}
console.log(`${dropped} of ${openings} openings dropped a frame`);
await browser.close();
