// Starts the app. Kept out of index.html so the page needs no inline script (strict CSP).
//
// It also records errors and warnings in window.__synackErrors / window.__synackWarnings, which
// the end-to-end test reads to check that the page ran cleanly.
const errors = [];
const warnings = [];
window.__synackErrors = errors;
window.__synackWarnings = warnings;

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

// Relative to this module, so the site works under any sub-path.
import('./synack_web.js')
  .then(async (wasm) => {
    await wasm.default();
    wasm.run();
    document.documentElement.dataset.synack = 'running';
  })
  .catch((error) => {
    console.error('synack failed to start:', error);
    document.documentElement.dataset.synack = 'failed';
    showFatal(String(error));
  });
