// Runs inside the page (Chromium), evaluated by ui-scale.ts: the measurements have to be taken where the frames are.
/* global document, MutationObserver, requestAnimationFrame */
// eslint-disable-next-line @typescript-eslint/no-unused-expressions -- an expression: the page evaluates it
({
  /** Clicks "Inspect" on the iteration's cell; resolves once its histogram bars and metrics are painted. */
  openIteration(target) {
    return new Promise((resolve, reject) => {
      const cell = document.querySelector(`[data-testid="iteration-cell-${target}"]`);
      const button = [...(cell?.querySelectorAll('button') ?? [])].find((b) => b.textContent?.trim() === 'Inspect');
      if (!button) return reject(new Error(`iteration ${target} has no Inspect button`));
      const started = performance.now();
      const ready = () => {
        const histogram = document.querySelector(`[data-testid="histogram"][data-iteration="${target}"]`);
        return !!histogram && histogram.querySelectorAll('rect.bar').length > 0 && !!cell.querySelector('[data-testid="metrics-table"]');
      };
      const observer = new MutationObserver(() => {
        if (!ready()) return;
        observer.disconnect();
        // Two frames: the one that lays the bars out and the one that paints them.
        requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - started)));
      });
      observer.observe(document.body, { subtree: true, childList: true, attributes: true });
      button.click();
      setTimeout(() => reject(new Error('iteration not shown within 30 s')), 30_000);
    });
  },

  /** Scrolls the list by `step` px every frame for `ms`; the frame intervals and the list's row count. */
  scrollFrames({ testid, ms, step }) {
    return new Promise((resolve, reject) => {
      const scroller = document.querySelector(`[data-testid="${testid}"]`);
      if (!scroller) return reject(new Error(`no list ${testid}`));
      const frames = [];
      const started = performance.now();
      let last = started;
      const tick = (now) => {
        frames.push(now - last);
        last = now;
        scroller.scrollTop += step;
        if (now - started < ms) requestAnimationFrame(tick);
        else resolve({ frames: frames.slice(1), rows: Number(scroller.dataset.count) });
      };
      requestAnimationFrame(tick);
    });
  },
});
