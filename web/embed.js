// `<script type="module" src="https://…/synack/embed.js"></script>` on any page does three things:
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
// 3. Markdown: a fenced code block in the language `synack`, as static-site generators render it
//    (`<pre><code class="language-synack">`, and the variants in BLOCKS), becomes an element
//    embed (2.), as Mermaid's script does with its blocks. The block holds a link (the fragment
//    of a permalink, with or without its `#`, or a whole embed URL) or a whole scenario (JSON or
//    TOML, as a scenario file). Its text is read as text, never as HTML; without JavaScript it
//    stays a readable code block.
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

// What a Markdown renderer makes of a ```synack block: markdown-it and marked
// (`pre > code.language-synack`), Hugo (`data-lang` too), highlight.js (`code.lang-synack`),
// Prism (`pre.language-synack`: Hexo's prismjs, Docusaurus), a box around the `<pre>` (Jekyll's
// Rouge `div.language-synack.highlighter-rouge`, VitePress's `div.language-synack` with its copy
// button) and Hexo's highlight.js `<figure class="highlight synack">` (a table: a gutter of
// line numbers beside the code). The box goes with the block.
const BLOCKS = [
  'pre > code.language-synack',
  'pre > code.lang-synack',
  'pre > code[data-lang="synack"]',
  'pre.language-synack',
  'div.language-synack pre',
  'figure.highlight.synack td.code pre',
].join(', ');
const BOXES = 'div.language-synack, figure.highlight.synack';

// A block's text as the reader sees it: highlighters end lines with `<br>` as often as with a
// newline. Text only: nothing in it is ever read as HTML.
const textOf = (node) =>
  [...node.childNodes]
    .map((child) => (child.nodeName === 'BR' ? '\n' : child.nodeType === Node.TEXT_NODE ? child.data : textOf(child)))
    .join('');

// Base64url without padding (RFC 4648 §5) of the text's UTF-8: a scenario in a link (`s=`).
const base64url = (text) => {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
};

// The link a block's text stands for. A link has no whitespace; a scenario (JSON starting with
// `{`, or TOML) is the block's text with more than one word.
const linkOf = (text) => {
  if (text.startsWith('{') || /\s/.test(text)) return `s=${base64url(text)}`;
  const hash = text.indexOf('#');
  return hash >= 0 ? text.slice(hash + 1) : text;
};

// Each ```synack block becomes `<div data-synack="…">`, which start() then mounts like any other.
const convertBlocks = () => {
  const blocks = new Map();
  for (const found of document.querySelectorAll(BLOCKS)) {
    const pre = found.closest('pre');
    blocks.set(pre.closest(BOXES) || pre, pre);
  }
  for (const [block, pre] of blocks) {
    const element = document.createElement('div');
    element.dataset.synack = linkOf(textOf(pre).trim());
    element.className = 'synack-block';
    block.replaceWith(element);
  }
};

const start = async () => {
  // Each element once: one that failed keeps its message (and is not tried again).
  const targets = [...document.querySelectorAll('[data-synack]')].filter((el) => !el.shadowRoot && !el.synackTried);
  targets.forEach((el) => (el.synackTried = true));
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
    try {
      // A bad link (a typo in a post's block) is said in its place; the other embeds go on.
      wasm.check_link(element.dataset.synack || '');
    } catch (error) {
      errors.push(`synack cannot show ${JSON.stringify(element.dataset.synack)}: ${error}`);
      fail(element, String(error));
      continue;
    }
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
  convertBlocks();
  start();
  // Single-page sites (Docusaurus, VitePress) draw the next post without loading a page: its
  // blocks and elements are found when they appear. Only the host page's own tree is watched
  // (an embed draws in its shadow root), and once per frame at most.
  let pending = false;
  new MutationObserver(() => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      convertBlocks();
      start();
    });
  }).observe(document.body, { childList: true, subtree: true });
};
if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', ready, { once: true });
} else {
  ready();
}
