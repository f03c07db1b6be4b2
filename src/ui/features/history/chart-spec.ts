/** What a History chart shows, independent of chart.js: series, axes, bands, table and summary. */
import type { Band, RefLine } from './chart-loader';

export interface Point { x: number; y: number }

export interface Series {
  label: string;
  points: Point[];
  color: string;
  /** Fill of bars; lines use `color`. */
  fill?: string;
  dashed?: boolean;
  pointStyle?: 'circle' | 'triangle' | 'rect' | 'rectRot';
  axis?: 'y' | 'y2';
}

export interface Axis { min: number; max: number; title: string; step?: number }

export interface LegendItem { label: string; color: string; style: 'line' | 'dashed' | 'box' }

export interface ChartSpec {
  id: string;
  title: string;
  caption: string;
  /** 'line' over day numbers (x = days since 1970-01-01 of the local date), or 'bar' over category labels. */
  type: 'line' | 'bar';
  series: Series[];
  /** Bar charts: one label per category. */
  categories?: string[];
  x?: { min: number; max: number };
  y: Axis;
  y2?: Axis;
  bands?: Band[];
  line?: RefLine;
  legend: LegendItem[];
  /** Extra words under the legend (what the shaded bands mean). */
  note?: string;
  /** The canvas's aria-label. */
  summary: string;
  table: { columns: string[]; rows: string[][] };
  /** Shown instead of the chart when there is nothing to draw. */
  empty: boolean;
}

/** Day number of a local 'YYYY-MM-DD' date; the x value of line charts. */
export function dayNumber(localDate: string): number {
  const [y, m, d] = localDate.split('-').map(Number) as [number, number, number];
  return Math.round(Date.UTC(y, m - 1, d) / 86_400_000);
}

/** The UTC Date of a day number, formatted with timeZone 'UTC' so it reads as the local date. */
export function dayDate(day: number): Date {
  return new Date(day * 86_400_000);
}
