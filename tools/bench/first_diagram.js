// Installed at document start by the first-paint benchmarks (tests/bench_first_paint.rs,
// tools/bench/first_frame.mjs): records in window.__firstDiagram when an animation frame first
// has a diagram's arrows in the document (synack's, or Mermaid's messages); that frame paints them.
(() => {
  const drawn = 'svg.seqdiag .arrows g[data-segment], .mermaid svg .messageText';
  const frame = () => {
    if (document.querySelector(drawn)) window.__firstDiagram = performance.now();
    else requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})();
