// Element embeds: `<div data-synack="lost-syn&ui=play.text"></div>` plus
// `<script type="module" src="https://…/synack/embed.js"></script>` on any page. Each such element
// gets its own synack, inside its own shadow root: the host page's styles cannot reach it and its
// styles cannot reach the host page. The link in data-synack is read as text, never as HTML.
const here = new URL('.', import.meta.url);

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
    // style.css and full.css: this is the full module (see boot.js for the first-visit split).
    const styles = ['style.css', 'full.css'].map((name) => {
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

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', start, { once: true });
} else {
  start();
}
