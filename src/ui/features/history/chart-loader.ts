/**
 * Loads chart.js on first use. Only History imports this file, so chart.js stays out of the
 * landing bundle, and only the pieces registered here are kept by tree-shaking.
 */
import type { Chart as ChartType } from 'chart.js';

export type ChartCtor = typeof ChartType;

/** A shaded horizontal stripe of the value axis, with a text label drawn inside it. */
export interface Band {
  from: number;
  to: number;
  fill: string;
  label?: string;
}

/** A horizontal reference line (the PEG baseline). */
export interface RefLine {
  value: number;
  color: string;
}

export interface BandOptions {
  bands?: Band[];
  line?: RefLine;
  labelColor?: string;
}

declare module 'chart.js' {
  interface PluginOptionsByType<TType extends import('chart.js').ChartType> {
    bands?: BandOptions;
  }
}

let loading: Promise<ChartCtor> | undefined;

/** chart.js with just the controllers, elements and scales History draws. */
export function loadChart(): Promise<ChartCtor> {
  loading ??= import('./chart-setup')
    .then((m) => m.Chart)
    .catch((e: unknown) => {
      loading = undefined; // a failed chunk load (offline before caching) may work next time
      throw e;
    });
  return loading;
}
