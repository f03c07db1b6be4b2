/**
 * Locks the loaned tablet after the idle time and as soon as the app is left (another app,
 * the home screen, the screen switched off). Locking reloads the page: the data key and
 * every screen's content leave memory with it, and the start-up shows the lock screen.
 */

const ACTIVITY = ['pointerdown', 'keydown', 'wheel', 'touchstart', 'input', 'scroll'] as const;

/** Reloads at '/', which starts at the lock screen (the key is only ever in this page's memory). */
export function lockNow(): void {
  window.location.replace('/');
}

/** Starts watching; returns a stop function. */
export function startAutoLock(idleMs: number, lock: () => void = lockNow): () => void {
  let timer = setTimeout(lock, idleMs);
  const touch = () => {
    clearTimeout(timer);
    timer = setTimeout(lock, idleMs);
  };
  const leave = () => { if (document.visibilityState === 'hidden') lock(); };
  // Coming back from the back/forward cache would show the unlocked page again.
  const back = (e: PageTransitionEvent) => { if (e.persisted) lock(); };
  for (const e of ACTIVITY) window.addEventListener(e, touch, { capture: true, passive: true });
  document.addEventListener('visibilitychange', leave);
  window.addEventListener('pageshow', back);
  return () => {
    clearTimeout(timer);
    for (const e of ACTIVITY) window.removeEventListener(e, touch, { capture: true });
    document.removeEventListener('visibilitychange', leave);
    window.removeEventListener('pageshow', back);
  };
}

/** Full screen on a tap (browsers allow it only during one); refusals are fine. */
export function enterFullscreen(): void {
  if (document.fullscreenElement || !document.documentElement.requestFullscreen) return;
  document.documentElement.requestFullscreen({ navigationUI: 'hide' }).catch(() => undefined);
}
