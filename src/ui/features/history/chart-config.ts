/** chart.js configuration for a ChartSpec: no animation (fast, calm), locale-formatted ticks. */
import type { ChartConfiguration } from 'chart.js';
import { dayDate, type ChartSpec } from './chart-spec';
import type { Fmt } from './build-charts';
import { DAY_TICK, DAY_TICK_YEAR, ONE_DECIMAL } from './history-formats';

/** Canvas text follows the page's text size (200% text gets bigger tick labels too). */
function fontSize(): number {
  const root = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
  return Math.round(root * 0.8);
}

export function chartConfig(spec: ChartSpec, f: Fmt): ChartConfiguration {
  const size = fontSize();
  const font = { size, family: 'system-ui, sans-serif' };
  const num = (v: number | string) => f.formatNumber(Number(v), ONE_DECIMAL);
  const yAxis = (a: NonNullable<ChartSpec['y2']>, position: 'left' | 'right') => ({
    type: 'linear' as const, position, min: a.min, max: a.max,
    ticks: { font, color: '#1b2426', callback: num, ...(a.step ? { stepSize: a.step } : { precision: 0 }) },
    title: { display: true, text: a.title, font, color: '#1b2426' },
    grid: { color: position === 'left' ? '#e3e9ea' : 'transparent' },
  });
  const scales = {
    x: spec.type === 'bar'
      ? { type: 'category' as const, ticks: { font, color: '#1b2426', maxRotation: 0, autoSkip: true }, grid: { display: false } }
      : {
          type: 'linear' as const, min: spec.x?.min, max: spec.x?.max,
          ticks: {
            font, color: '#1b2426', maxRotation: 0, maxTicksLimit: 5,
            callback: (v: number | string) => f.formatDate(dayDate(Number(v)), spec.x && spec.x.max - spec.x.min > 200 ? DAY_TICK_YEAR : DAY_TICK),
          },
          grid: { color: '#e3e9ea' },
        },
    y: yAxis(spec.y, 'left'),
    ...(spec.y2 ? { y2: yAxis(spec.y2, 'right') } : {}),
  };
  const many = spec.series.some((s) => s.points.length > 60);
  return {
    type: spec.type,
    data: {
      ...(spec.categories ? { labels: spec.categories } : {}),
      datasets: spec.series.map((s) => ({
        label: s.label,
        data: spec.type === 'bar' ? s.points.map((p) => p.y) : s.points,
        borderColor: s.color,
        backgroundColor: s.fill ?? s.color,
        borderWidth: 2,
        borderDash: s.dashed ? [6, 4] : [],
        pointStyle: s.pointStyle ?? 'circle',
        pointRadius: many ? 2 : 4,
        pointHoverRadius: 6,
        yAxisID: s.axis ?? 'y',
      })),
    } as ChartConfiguration['data'],
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      ...(spec.type === 'line' ? { parsing: false, normalized: true } : {}),
      interaction: { mode: 'nearest', intersect: false },
      scales,
      plugins: {
        tooltip: {
          titleFont: font, bodyFont: font,
          callbacks: {
            title: (items) => {
              const it = items[0];
              if (!it) return '';
              return spec.type === 'bar' ? String(it.label) : f.formatDate(dayDate(it.parsed.x ?? 0), { dateStyle: 'medium', timeZone: 'UTC' });
            },
            label: (it) => `${it.dataset.label ?? ''}: ${num(it.parsed.y ?? 0)}`,
          },
        },
        bands: { bands: spec.bands ?? [], ...(spec.line ? { line: spec.line } : {}) },
      },
    },
  } as ChartConfiguration;
}
