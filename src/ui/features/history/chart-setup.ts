/**
 * chart.js with only the controllers, elements and scales History draws (static named imports
 * so the bundler drops the rest). Imported dynamically by chart-loader.ts.
 */
import {
  Chart, LineController, LineElement, PointElement, BarController, BarElement, LinearScale, CategoryScale, Tooltip,
  type Plugin,
} from 'chart.js';
import type { BandOptions } from './chart-loader';

/**
 * Draws severity bands (PHQ-9, GAD-7) and the PEG's ±30% band behind the data. The bands
 * carry their names as text, so colour is never the only signal.
 */
const bandsPlugin: Plugin = {
  id: 'bands',
  beforeDatasetsDraw(chart, _args, options: BandOptions) {
    const { ctx, chartArea } = chart;
    const y = chart.scales['y'];
    if (!y || !chartArea) return;
    ctx.save();
    for (const band of options.bands ?? []) {
      const top = Math.max(chartArea.top, Math.min(y.getPixelForValue(band.to), y.getPixelForValue(band.from)));
      const bottom = Math.min(chartArea.bottom, Math.max(y.getPixelForValue(band.to), y.getPixelForValue(band.from)));
      if (bottom <= top) continue;
      ctx.fillStyle = band.fill;
      ctx.fillRect(chartArea.left, top, chartArea.right - chartArea.left, bottom - top);
      if (band.label && bottom - top >= 12) {
        ctx.fillStyle = options.labelColor ?? '#1b2426';
        ctx.font = '600 11px system-ui, sans-serif';
        ctx.textAlign = 'right';
        ctx.textBaseline = 'top';
        ctx.fillText(band.label, chartArea.right - 4, top + 2);
      }
    }
    if (options.line) {
      const py = y.getPixelForValue(options.line.value);
      if (py >= chartArea.top && py <= chartArea.bottom) {
        ctx.strokeStyle = options.line.color;
        ctx.lineWidth = 2;
        ctx.setLineDash([6, 4]);
        ctx.beginPath();
        ctx.moveTo(chartArea.left, py);
        ctx.lineTo(chartArea.right, py);
        ctx.stroke();
      }
    }
    ctx.restore();
  },
};

Chart.register(LineController, LineElement, PointElement, BarController, BarElement, LinearScale, CategoryScale, Tooltip, bandsPlugin);

export { Chart };
