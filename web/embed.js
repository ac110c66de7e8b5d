// `<script type="module" src="https://…/synack/embed.js"></script>` on any page does two things:
//
// 1. Iframe embeds (`<iframe src="…/embed.html#…">`) get the height of their content. An embed
//    posts `{ synack: "height", height: <CSS pixels> }` to its host page whenever its natural
//    height changes; this sets the height of the iframe it came from, so a post shows the whole
//    experiment and the reader never scrolls inside a frame. (A page that cannot load this script
//    can do the same in one line of its own, see the README.)
// 2. Element embeds: each `<div data-synack="lost-syn&ui=play.text"></div>` gets its own synack,
//    inside its own shadow root: the host page's styles cannot reach it and its styles cannot
//    reach the host page. The link in data-synack is read as text, never as HTML. It takes its
//    natural height like any other element.
const here = new URL('.', import.meta.url);

// Heights outside these bounds are not an embed's (and never make a frame vanish or explode).
const MIN_HEIGHT = 100;
const MAX_HEIGHT = 20000;
window.addEventListener('message', (event) => {
  const data = event.data;
  if (!data || data.synack !== 'height' || !Number.isFinite(data.height)) return;
  const height = Math.min(Math.max(Math.ceil(data.height), MIN_HEIGHT), MAX_HEIGHT);
  for (const frame of document.querySelectorAll('iframe')) {
    // Only the frame that sent it: a message says nothing about any other.
    if (frame.contentWindow === event.source) frame.style.height = `${height}px`;
  }
});
// Embeds that loaded before this script say their height again when asked.
const askHeights = () => {
  for (const frame of document.querySelectorAll('iframe')) frame.contentWindow?.postMessage({ synack: 'measure' }, '*');
};

// Problems are also kept in window.__synackErrors, where a page's own tests can look.
const errors = (window.__synackErrors = window.__synackErrors || []);
document.addEventListener('securitypolicyviolation', (event) => {
  errors.push(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || 'inline content'}`);
});

const fail = (element, detail) => {
  const box = document.createElement('p');
  box.setAttribute('role', 'alert');
  box.textContent = 'synack could not start here. / synack 无法在此启动。 ' + detail;
  element.replaceChildren(box);
};

const start = async () => {
  const targets = [...document.querySelectorAll('[data-synack]')].filter((el) => !el.shadowRoot);
  if (targets.length === 0) return;
  let wasm;
  try {
    wasm = await import(new URL('synack_web.js', here).href);
    await wasm.default();
  } catch (error) {
    console.error('synack failed to start:', error);
    errors.push(`synack failed to start: ${error}`);
    targets.forEach((el) => fail(el, String(error)));
    return;
  }
  for (const element of targets) {
    const shadow = element.attachShadow({ mode: 'open' });
    // An embed's stylesheet and full.css: this is the full module (see boot.js for the
    // first-visit split).
    const styles = ['style-embed.css', 'full.css'].map((name) => {
      const style = document.createElement('link');
      style.rel = 'stylesheet';
      style.href = new URL(name, here).href;
      return style;
    });
    const root = document.createElement('div');
    shadow.append(...styles, root);
    try {
      wasm.mount(root, element.dataset.synack || '');
    } catch (error) {
      console.error('synack failed to mount:', error);
      errors.push(`synack failed to mount: ${error}`);
      fail(element, String(error));
    }
  }
};

const ready = () => {
  askHeights();
  start();
};
if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', ready, { once: true });
} else {
  ready();
}
