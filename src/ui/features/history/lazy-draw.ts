/**
 * Charts below the fold are drawn when they come near the screen, not on arrival: six
 * chart.js charts over five years cost more than the whole first screen. The page counts
 * the charts that were on screen at first layout and marks itself ready once those are drawn.
 */
import { createContext, createSignal, useContext, type Accessor } from 'solid-js';

/** A chart counts as on screen once this share of it shows (a sliver at the bottom edge does not). */
const SHOWING = 0.2;

export interface LazyDraw {
  /** Call in a chart's component body: one more chart the first screen may be waiting for. */
  expect(): void;
  /**
   * Calls `show` (which draws synchronously) once the element is near the screen. The first
   * observation settles the chart for readiness: drawn if on screen, deferred if not. Returns
   * a function that stops watching (and settles a chart removed before it was observed).
   */
  watch(el: Element, show: () => void): () => void;
  /** True when no expected chart is still waiting for its first observation. */
  ready: Accessor<boolean>;
  /** Draw the charts still waiting, one per idle period, so a scroll finds them drawn. */
  drawRestWhenIdle(): void;
}

/** One observer per page; without IntersectionObserver everything draws at once. */
export function createLazyDraw(): LazyDraw {
  const waiting = new Map<Element, { show: () => void; settled: boolean }>();
  const [outstanding, setOutstanding] = createSignal(0);
  const settle = (w: { settled: boolean }) => {
    if (w.settled) return;
    w.settled = true;
    setOutstanding((n) => n - 1);
  };
  const observer = typeof IntersectionObserver === 'undefined'
    ? undefined
    : new IntersectionObserver((entries) => {
      for (const e of entries) {
        const w = waiting.get(e.target);
        if (!w) continue;
        if (e.isIntersecting && e.intersectionRatio >= SHOWING) {
          waiting.delete(e.target);
          observer?.unobserve(e.target);
          w.show();
        }
        settle(w);
      }
    }, { threshold: [0, SHOWING] });
  return {
    expect: () => setOutstanding((n) => n + 1),
    watch(el, show) {
      const w = { show, settled: false };
      if (!observer) { show(); settle(w); return () => undefined; }
      waiting.set(el, w);
      observer.observe(el);
      return () => { waiting.delete(el); observer.unobserve(el); settle(w); };
    },
    ready: () => outstanding() <= 0,
    drawRestWhenIdle() {
      const idle = (fn: () => void) => (typeof requestIdleCallback === 'function' ? requestIdleCallback(fn, { timeout: 2000 }) : setTimeout(fn, 50));
      const next = () => {
        // Top to bottom, the order a person scrolls in; each chart is its own short task.
        const [el, w] = [...waiting.entries()].sort(([a], [b]) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)[0] ?? [];
        if (!el || !w) return;
        waiting.delete(el);
        observer?.unobserve(el);
        w.show();
        settle(w);
        idle(next);
      };
      idle(next);
    },
  };
}

export const LazyDrawContext = createContext<LazyDraw>();

/** The page's LazyDraw, if any (a chart outside History draws at once). */
export function useLazyDraw(): LazyDraw | undefined {
  return useContext(LazyDrawContext);
}
