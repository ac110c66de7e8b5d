// Starts synack. Kept out of the HTML so the page needs no inline script (strict CSP). The
// pages load it render-blocking: what it does before its first `await` happens before anything
// is painted.
//
// 1. The first frame. The build put a static copy of the player's first frame in the page
//    (crates/xtask/src/shell.rs). This makes it match the link: its language, theme and parts,
//    and its diagram, prerendered at build time (web/dist/prerender/), drawn in a box of its size.
// 2. The player. It fetches the player module of the link's language (everything a first visit
//    needs; a link carrying the reader's own scenario, or an embed showing the state diagram, gets
//    the full module), mounts it beside the static frame and swaps the two within one animation
//    frame, so nothing moves.
// 3. On demand. While the player runs, the controls it lacks (marked data-upgrade) and the
//    diagram's segments load the full module when the reader reaches for them: hovering,
//    focusing or pressing one fetches it (never anything by itself); activating one mounts it
//    with the player's state (its permalink), swaps it in the same way, and does what the reader
//    did again there. See web/src/upgrade.rs and ARCHITECTURE.md.
//
// It records errors and warnings in window.__synackErrors / window.__synackWarnings and each
// takeover (where the diagram was before and after) in window.__synackTakeovers, which the
// end-to-end tests read.
const errors = [];
const warnings = [];
const takeovers = [];
window.__synackErrors = errors;
window.__synackWarnings = warnings;
window.__synackTakeovers = takeovers;

const text = (args) => args.map((a) => (a instanceof Error ? a.stack || String(a) : String(a))).join(' ');

// An internal error (a Rust panic traps the wasm) must never leave a dead or blank page: say so
// in the page, in both languages, with a way to start again. Text only, never HTML.
const showFatal = (detail) => {
  if (document.getElementById('synack-fatal')) return;
  const box = document.createElement('div');
  box.id = 'synack-fatal';
  box.className = 'error fatal';
  box.setAttribute('role', 'alert');
  const message = document.createElement('p');
  message.textContent =
    'synack hit an internal error and stopped. Reload the page to start again. / ' +
    'synack 遇到内部错误已停止，请刷新页面重新开始。';
  const small = document.createElement('small');
  small.textContent = detail;
  box.append(message, small);
  document.body.prepend(box);
};
for (const [level, sink] of [['error', errors], ['warn', warnings]]) {
  const original = console[level].bind(console);
  console[level] = (...args) => {
    sink.push(text(args));
    original(...args);
  };
}
// Capture phase: also sees resources (scripts, styles, images) that failed to load.
window.addEventListener(
  'error',
  (event) => {
    const target = event.target;
    if (target && target !== window && (target.src || target.href)) {
      errors.push(`failed to load ${target.src || target.href}`);
    } else {
      errors.push(`uncaught: ${event.message || event.error}`);
      showFatal(String(event.message || event.error));
    }
  },
  true,
);
// A strict Content-Security-Policy must never have to block anything synack does.
document.addEventListener('securitypolicyviolation', (event) => {
  errors.push(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || 'inline content'}`);
});
window.addEventListener('unhandledrejection', (event) => {
  errors.push(`unhandled rejection: ${text([event.reason])}`);
  showFatal(text([event.reason]));
});

// Filled in by `cargo xtask build-web` (crates/xtask/src/prerender.rs): the width classes
// `[[name, media query or null]]`, narrowest first; per entry and language each class's
// `[width, height, ys]`, where `ys` indexes `ys`, lists of the y of each playback step (each
// written as its distance from the one before); `onDemand`, the entries whose scenario the
// player leaves out (tcp_sim::catalogue::Entry::on_demand), which are not in the table: a link to
// one fetches their sizes (`prerender/on-demand.json`) and draws their prerendered diagram.
const PRERENDERED = /*synack:prerendered*/ null;
const FULL = 'synack_web';
const embed = document.body.dataset.mode === 'embed';
const html = document.documentElement;

// ----- 1. The first frame ---------------------------------------------------------------------

/** What the first frame needs from a permalink fragment (the app reads and checks all of it). */
const readLink = (fragment) => {
  const link = { entry: 'handshake', lang: 'en', theme: null, ui: null, range: null, step: null };
  // `plain`: the catalogue entry as it is, so its prerendered diagram is the one the app draws.
  link.plain = true;
  link.custom = false;
  for (const part of fragment.replace(/^#/, '').split('&').filter(Boolean)) {
    const eq = part.indexOf('=');
    const [key, value] = eq < 0 ? [part, null] : [part.slice(0, eq), part.slice(eq + 1)];
    if (value === null) {
      if (key === 'abs') link.plain = false;
      else if (key !== 'autoplay') link.entry = key;
    } else if (key === 'e') link.entry = value;
    else if (key === 'lang') link.lang = value === 'zh' ? 'zh' : 'en';
    else if (key === 'theme') link.theme = value;
    else if (key === 'ui') link.ui = value === 'none' ? [] : value.split(/[.,]/);
    else if (key === 'steps') link.range = value.split('-').map(Number);
    else if (key === 'step') link.step = Number(value);
    else {
      link.plain = false;
      link.custom ||= key === 's';
    }
  }
  return link;
};

/** The width class of a diagram box `width` px wide: the widest class whose narrowest box fits. */
const classOf = (width) => {
  let chosen = PRERENDERED.classes[0][0];
  for (const [name, min] of PRERENDERED.classes) if (width >= min) chosen = name;
  return chosen;
};

/** The width class of the diagram's box in `shell`, measured as the app measures it (the content
 * width of `.diagram-heads`, else of the box). Reading it lays the page out. */
const widthClass = (shell) => {
  const probe = shell.querySelector('.diagram-heads') || shell.querySelector('.diagram-scroll');
  return classOf(probe ? probe.getBoundingClientRect().width : innerWidth);
};

/** The width class of the diagram's box told from the window's width before any layout, or null.
 * The box is the window's width less the app's padding and the box's borders (`frame`: style.css,
 * css/embed.css, css/diagram.css) and less two scrollbar gutters (the document's and the box's,
 * both `stable`): none where scrollbars overlay the content (phones), up to 17 px each where they
 * take room. When both ends of that range are in one class, that is the box's. The page's box is
 * that only in one column (up to 60rem wide); beside the side panel it is the grid's. Asked with
 * media queries, which (unlike `innerWidth` where the viewport follows the page's width) never
 * lay the page out. tests/first_paint.rs checks the range at several widths. */
const GUTTERS = 2 * 17;
const classBeforeLayout = () => {
  if (!embed && !matchMedia('(max-width: 60rem)').matches) return null;
  const frame = embed ? '1rem + 2px' : '2rem + 2px';
  const windowReaches = (px) => matchMedia(`(min-width: calc(${px}px + ${frame}))`).matches;
  const { classes } = PRERENDERED;
  for (let i = classes.length - 1; i >= 0; i--) {
    // The widest class the narrowest box reaches, unless the widest box reaches the next one.
    if (windowReaches(classes[i][1] + GUTTERS)) {
      const next = classes[i + 1];
      return next && windowReaches(next[1]) ? null : classes[i][0];
    }
  }
  return null;
};

/** Gives `svg` the size `width` x `height` (its viewBox too), writing only what differs: a size
 * written again, even unchanged, had the page's held diagram laid out a second time before the
 * first frame (5 ms traced; BENCHMARKS.md). */
const resize = (svg, width, height) => {
  for (const [name, value] of [['width', width], ['height', height], ['viewBox', `0 0 ${width} ${height}`]]) {
    if (svg.getAttribute(name) !== String(value)) svg.setAttribute(name, value);
  }
};

/** An empty diagram box, `width` x `height`. */
const emptyDiagram = (width, height) => {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('class', 'seqdiag');
  resize(svg, width, height);
  return svg;
};

/** Draws a prerendered SVG file (our own, chosen from the table), fetched by `request`, into `box`. */
const fill = async (box, request) => {
  const response = await request;
  if (!response.ok) throw new Error(`${response.url}: ${response.status}`);
  // The build wrote it without its <style> (the page's stylesheet has the same rules).
  const svg = await response.text();
  const drawn = new DOMParser().parseFromString(svg, 'image/svg+xml').documentElement;
  if (drawn.localName !== 'svg' || !box.isConnected) return;
  box.setAttribute('font-family', drawn.getAttribute('font-family') || '');
  for (const node of [...drawn.childNodes]) {
    if (node.localName !== 'script') box.append(document.importNode(node, true));
  }
  stickyHeads(box, drawn);
};

/** The sticky lifeline heads above `box` (the snapshot's are those of the class it was taken at),
 * redrawn from the prerendered diagram `drawn`, as `components/diagram.rs` draws them: its heads
 * on a background, 4 units taller than the lowest head. */
const stickyHeads = (box, drawn) => {
  const heads = box.parentElement?.querySelector('.diagram-heads > svg');
  const parts = [...drawn.querySelectorAll('.lifelines > .head-box, .lifelines > .head-name, .lifelines > .head-addr')];
  if (!heads || !parts.length) return;
  const width = drawn.getAttribute('width');
  const bottom = Math.max(...parts.filter((p) => p.localName === 'rect').map((r) => Number(r.getAttribute('y')) + Number(r.getAttribute('height'))));
  const height = String(Math.round((bottom + 4) * 10) / 10);
  resize(heads, width, height);
  const bg = document.createElementNS('http://www.w3.org/2000/svg', 'rect');
  bg.setAttribute('class', 'bg');
  bg.setAttribute('width', width);
  bg.setAttribute('height', height);
  heads.replaceChildren(bg, ...parts.map((p) => document.importNode(p, true)));
};

/** Makes the static first frame match `link`. Returns its host element and a promise that the
 * link's diagram is drawn in it. */
const prepareShell = (link) => {
  const shell = document.querySelector('.synack-shell');
  if (!shell || !PRERENDERED) return [shell, Promise.resolve()];
  if (link.lang === 'zh') {
    const zh = document.getElementById('synack-shell-zh');
    if (zh) shell.replaceChildren(zh.content.cloneNode(true));
  }
  const app = shell.firstElementChild;
  if (app && (link.theme === 'light' || link.theme === 'dark')) app.dataset.theme = link.theme;
  if (embed && link.ui && !link.ui.includes('play')) shell.querySelector('.playback')?.remove();

  const known = PRERENDERED.entries[link.entry];
  const elsewhere = !known && PRERENDERED.onDemand.includes(link.entry);
  const prerendered = (cls) => fetch(new URL(`prerender/${link.entry}.${link.lang}.${cls}.svg`, import.meta.url));
  // The link's diagram is asked for before the page is laid out, when the class can be told (and
  // the page does not hold that diagram already), so that the download and the layout overlap.
  const inline = shell.querySelector('.diagram-scroll > svg.seqdiag');
  const holds = (cls) => link.plain && known && inline?.dataset.prerendered === `${link.entry}.${link.lang}.${cls}`;
  const guessed = link.plain && (known || elsewhere) ? classBeforeLayout() : null;
  const early = guessed && !holds(guessed) ? prerendered(guessed) : null;
  // A guess is used unless the range above is wrong; then its failure is nobody's to report.
  early?.catch(() => {});
  const cls = widthClass(shell);
  const diagram = () => (early && cls === guessed ? early : prerendered(cls));
  const [width, fullHeight, steps] = (known || PRERENDERED.entries.handshake)[link.lang][cls];
  // The table gives each step's y as the distance from the one before.
  let y = 0;
  const ys = PRERENDERED.ys[steps].map((gap) => (y = Math.round((y + gap) * 10) / 10));
  // The playback bar says where it stands: an embed's range ends the drawing below its last step.
  let last = ys.length - 1;
  let height = fullHeight;
  if (embed && link.range && link.range[1] >= 1) {
    last = Math.min(link.range[1] - 1, last);
    if (ys[last + 1] !== undefined) height = Math.min(ys[last + 1], fullHeight);
  }
  const first = embed && link.range ? Math.min(Math.max(link.range[0] - 1, 0), last) : 0;
  const step = link.step >= 1 ? Math.min(Math.max(link.step - 1, first), last) : last;
  const scrub = shell.querySelector('.playback input[type=range]');
  if (scrub) {
    [scrub.min, scrub.max] = [String(first), String(last)];
    scrub.value = String(step);
  }
  const count = shell.querySelector('.step-count');
  if (count) count.textContent = count.textContent.replace(/\d+\s*\/\s*\d+/, `${step + 1}/${last + 1}`);
  const picker = shell.querySelector('.controls select');
  if (picker && (known || elsewhere)) picker.value = link.entry;

  shell.querySelector('.diagram')?.setAttribute('data-width', cls);
  // The page comes with the default link's diagram as a phone draws it (crates/xtask/src/shell.rs):
  // kept when it is the one wanted, else replaced by an empty box of the right size.
  const kept = holds(cls);
  const box = kept ? inline : emptyDiagram(width, height);
  if (kept) {
    resize(box, width, height);
    stickyHeads(box, box);
  } else inline?.replaceWith(box);
  // At the last step the app shows the end of the exchange (its box scrolled to the bottom, see
  // `follow` in components/diagram.rs): so does the first frame.
  const scroller = box.parentElement;
  if (step === last && scroller) scroller.scrollTop = scroller.scrollHeight;
  // An on-demand entry's diagram and its size, asked for together: sized, then drawn.
  if (elsewhere && link.plain) {
    const sizes = new URL('prerender/on-demand.json', import.meta.url);
    const svg = diagram();
    // Reported by `fill` if the sizes arrive; else the sizes' failure is the one reported.
    svg.catch(() => {});
    const drawn = fetch(sizes)
      .then((response) => (response.ok ? response.json() : Promise.reject(new Error(`${sizes}: ${response.status}`))))
      .then((table) => {
        const [w, h] = table[link.entry][link.lang][cls];
        resize(box, w, h);
        return fill(box, svg);
      })
      // Shown at its last step unless the link names one (whose y the table does not hold): the
      // end of the exchange, as the app shows it.
      .then(() => {
        if (!(link.step >= 1) && scroller) scroller.scrollTop = scroller.scrollHeight;
      })
      .catch((error) => errors.push(`the prerendered diagram did not load: ${error}`));
    return [shell, drawn];
  }
  // A link that changes the experiment gets an empty box of about the right size.
  if (kept || !link.plain || !known) return [shell, Promise.resolve()];
  const drawn = fill(box, diagram()).catch(
    (error) => errors.push(`the prerendered diagram did not load: ${error}`),
  );
  return [shell, drawn];
};

// ----- 2. Modules and takeovers --------------------------------------------------------------

/** name -> the promise of its initialised module. Its wasm and JS glue are fetched at once, in
 * parallel; the wasm is compiled once `ready` (the first frame's diagram drawn, so that the
 * compiler does not hold it up). */
const loading = new Map();
const load = (name, ready = Promise.resolve()) => {
  if (!loading.has(name)) {
    const wasm = fetch(new URL(`${name}_bg.wasm`, import.meta.url));
    const started = Promise.all([import(`./${name}.js`), ready]).then(async ([module]) => {
      await module.default({ module_or_path: wasm });
      return module;
    });
    // A failed download may be tried again.
    started.catch(() => loading.delete(name));
    loading.set(name, started);
  }
  return loading.get(name);
};

/** `full.css`, the rules of what only the full module draws, added to the page once. */
let fullStyles = null;
const loadFull = () => {
  fullStyles ||= new Promise((resolve, reject) => {
    const sheet = document.createElement('link');
    sheet.rel = 'stylesheet';
    sheet.href = new URL('full.css', import.meta.url).href;
    sheet.onload = resolve;
    sheet.onerror = () => reject(new Error(`${sheet.href} did not load`));
    document.head.append(sheet);
  });
  return Promise.all([load(FULL), fullStyles]);
};

/** The app running now: `{ name, module, started, host }`, or null before the first. */
let current = null;

/** Where the diagram is in the document, and its size: `[x, y, width, height]`. */
const diagramBox = (element) => {
  const r = element.querySelector('.diagram-scroll > svg.seqdiag')?.getBoundingClientRect();
  return r ? [r.x + scrollX, r.y + scrollY, r.width, r.height] : null;
};

/** Mounts module `name` beside what shows now (the static frame or the player) and swaps them
 * within one frame. The app opens the document's address, and follows it. */
const mount = async (name, from) => {
  const module = await load(name);
  const host = document.createElement('div');
  host.className = 'synack-host synack-taking-over';
  // Laid out hidden exactly where, and as wide as, what it replaces: the app measures its
  // diagram's box to choose the layout, which must be the one it will have once shown.
  const place = from.getBoundingClientRect();
  Object.assign(host.style, { left: `${place.left + scrollX}px`, top: `${place.top + scrollY}px`, width: `${place.width}px` });
  from.after(host);
  // A player narrates from the build's prerendered text (`upgrade.rs`): the link's entry's.
  const width = from.querySelector('.diagram')?.dataset.width;
  const started = module.start(host, embed, name === FULL ? undefined : await narration, width);
  // Yew renders in microtasks, which all run before the next animation frame.
  await new Promise((resolve) => requestAnimationFrame(resolve));
  // The same view of the diagram's box as what it replaces.
  const [was, now] = [from, host].map((e) => e.querySelector('.diagram-scroll'));
  if (was && now) [now.scrollTop, now.scrollLeft] = [was.scrollTop, was.scrollLeft];
  const before = diagramBox(from);
  from.remove();
  host.classList.remove('synack-taking-over');
  host.removeAttribute('style');
  takeovers.push({ to: name, before, after: diagramBox(host) });
  current?.started.destroy();
  current = { name, module, started, host };
  html.dataset.synack = 'running';
  html.dataset.synackModule = name;
};

// ----- 3. On demand ---------------------------------------------------------------------------

const SEGMENT = 'svg.seqdiag g[data-segment][role=button]';
const ON_DEMAND = `[data-upgrade], ${SEGMENT}`;
const LOADING = { en: 'Loading…', zh: '正在加载…' };
const FAILED = { en: 'Could not load the rest of synack: ', zh: '无法加载 synack 的其余部分：' };

/** The control the event is about, if a player runs and lacks what it does. */
const onDemand = (event) => {
  if (!current || current.name === FULL || !(event.target instanceof Element)) return null;
  const element = event.target.closest(ON_DEMAND);
  return element && current.host.contains(element) ? element : null;
};

/** A line at the bottom of the window while the full module loads. */
const showStatus = (lang) => {
  const status = document.createElement('p');
  status.className = 'synack-status';
  status.setAttribute('role', 'status');
  status.textContent = LOADING[lang];
  document.body.append(status);
  return status;
};

/** Does again, in the full module, what the reader did to `selector` in the player. */
const replay = (selector, files, segment, value) => {
  const target = selector && current.host.querySelector(selector);
  if (!target) return;
  if (value !== undefined) {
    target.value = value;
    target.dispatchEvent(new Event('change', { bubbles: true }));
  } else if (files) {
    const transfer = new DataTransfer();
    files.forEach((file) => transfer.items.add(file));
    target.files = transfer.files;
    target.dispatchEvent(new Event('change', { bubbles: true }));
  } else if (target instanceof HTMLElement) {
    target.click();
  } else {
    target.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, view: window }));
  }
  // Focus goes where the reader is: on the control itself (the player's copy went with the
  // player), unless the app moved it already; after a tap on a segment, on the inspector's Drop,
  // once the app has drawn the inspector and moved the focus into it (or half a second passed).
  if (!segment) {
    if ((!document.activeElement || document.activeElement === document.body) && target.isConnected) target.focus();
    return;
  }
  const { host } = current;
  new Promise((resolve) => {
    const timer = setTimeout(resolve, 500);
    host.addEventListener('focusin', () => setTimeout(resolve, 0, clearTimeout(timer)), { once: true });
  }).then(() => host.querySelector('[data-testid=inspector-drop]')?.focus());
};

let upgrading = null;
/** Replaces the player with the full module, then replays the reader's action on `element`. */
const upgrade = (element, files, value) => {
  if (upgrading) return upgrading;
  const segment = element?.matches(SEGMENT);
  const selector = segment ? `${SEGMENT}[data-segment="${element.dataset.segment}"]` : element?.dataset.upgrade;
  const lang = current.host.querySelector('.app')?.lang?.startsWith('zh') ? 'zh' : 'en';
  element?.setAttribute('aria-busy', 'true');
  const status = showStatus(lang);
  upgrading = (async () => {
    try {
      // The player's state, as its permalink, in this document's address (an embed's own, not
      // its host page's), where the full module reads it and keeps following it.
      const handover = current.module.handover_link();
      html.setAttribute('data-synack-upgraded', '');
      history.replaceState(history.state, '', handover ? `#${handover}` : location.pathname + location.search);
      await loadFull();
      await mount(FULL, current.host);
      status.remove();
      replay(selector, files, segment, value);
    } catch (error) {
      console.error('synack could not load the full module:', error);
      status.setAttribute('role', 'alert');
      status.textContent = FAILED[lang] + String(error);
      element?.removeAttribute('aria-busy');
      upgrading = null;
    }
  })();
  return upgrading;
};

const prefetch = (event) => {
  if (onDemand(event)) loadFull().catch(() => {});
};
for (const type of ['pointerover', 'pointerdown', 'focusin']) window.addEventListener(type, prefetch, true);
// Capture phase on the window: before the player's own listeners, which never see these events.
window.addEventListener(
  'click',
  (event) => {
    const element = onDemand(event);
    if (!element || element.matches('input[type=file], select')) return;
    event.preventDefault();
    event.stopPropagation();
    upgrade(element);
  },
  true,
);
window.addEventListener(
  'keydown',
  (event) => {
    const element = (event.key === 'Enter' || event.key === ' ') && onDemand(event);
    if (!element || !element.matches(SEGMENT)) return;
    event.preventDefault();
    event.stopPropagation();
    upgrade(element);
  },
  true,
);
// A file chosen in the player's picker is handed to the full module's.
window.addEventListener(
  'change',
  (event) => {
    const element = onDemand(event);
    if (!element) return;
    if (element.matches('select')) {
      // Another experiment: the player has no narration for it.
      event.stopPropagation();
      upgrade(element, null, element.value);
      return;
    }
    if (!element.matches('input[type=file]') || !element.files.length) return;
    event.stopPropagation();
    upgrade(element, [...element.files]);
  },
  true,
);
// A link followed in place that a player cannot show (the reader's own scenario, the other
// language) is opened by the full module.
window.addEventListener(
  'hashchange',
  (event) => {
    if (!current || current.name === FULL) return;
    const link = readLink(location.hash);
    if (!link.plain || link.entry !== linked.entry || `synack_player_${link.lang}` !== current.name) {
      event.stopImmediatePropagation();
      html.setAttribute('data-synack-upgraded', '');
      const from = current.host;
      upgrading ||= loadFull().then(() => mount(FULL, from)).catch((error) => {
        console.error('synack could not load the full module:', error);
        upgrading = null;
      });
    }
  },
  true,
);

// ----- Start ----------------------------------------------------------------------------------

const link = readLink(location.hash);
const [shell, drawn] = prepareShell(link);
const nextFrame = () => new Promise((resolve) => requestAnimationFrame(resolve));
// The full module from the start for what a player cannot show: the reader's own scenario, and an
// embed whose author put the state diagram or the exercises among its parts (a player would show
// a button, or nothing).
// A player narrates only a catalogue entry as it is (its narration is prerendered), and only the
// entries it carries: any other link (settings, faults, absolute numbers, an on-demand entry)
// starts the full module too.
const full =
  !link.plain ||
  !PRERENDERED?.entries[link.entry] ||
  PRERENDERED.onDemand.includes(link.entry) ||
  (embed && link.ui !== null && /states|exercise/.test(link.ui));
const first = full ? FULL : `synack_player_${link.lang}`;
const linked = { entry: link.entry };
const placeholder = shell || document.body.appendChild(document.createElement('div'));
// The first module's download starts once the first frame is on screen (nothing in it waits for
// the wasm, and a page loader, Lighthouse's among them, would count it in); its compiling, once
// the diagram is painted too. A frame is on screen when the browser reports its first
// contentful paint: an animation frame and a task after it only mean the frame was made, and
// it may be shown later than that. (Where paint timing is missing, or the page is hidden and
// paints nothing, half a second at most.)
const afterFirstPaint = new Promise((resolve) => {
  const fallback = setTimeout(resolve, 500);
  const shown = () => resolve(clearTimeout(fallback));
  try {
    new PerformanceObserver((list, observer) => {
      if (list.getEntriesByName('first-contentful-paint').length) shown(observer.disconnect());
    }).observe({ type: 'paint', buffered: true });
  } catch {
    nextFrame().then(() => setTimeout(shown));
  }
});
afterFirstPaint
  .then(() => {
    load(first, drawn.then(nextFrame));
    return full ? loadFull() : null;
  })
  .then(() => mount(first, placeholder))
  .catch((error) => {
    console.error('synack failed to start:', error);
    html.dataset.synack = 'failed';
    showFatal(String(error));
  });
// A player's narration, prerendered, is needed only when the player starts: it is fetched once
// the link's diagram is drawn (at once when the page holds it), so that it never competes with
// an embed's diagram for the network, nor with the player's module, which waits for the paint.
const narration = drawn.then(() =>
  full
    ? undefined
    : fetch(new URL(`prerender/${link.entry}.${link.lang}.narration.json`, import.meta.url))
        .then((response) => (response.ok ? response.json() : undefined))
        .catch(() => undefined),
);
