// Renders public/icons/icon.svg to the PNG sizes the manifest lists, with Debian's chromium.
// Run: npx tsx scripts/make-icons.ts (the PNGs are committed; rerun only when the SVG changes).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../tests/helpers/chromium';

const dir = resolve(import.meta.dirname, '../public/icons');
const svg = readFileSync(resolve(dir, 'icon.svg'), 'utf8');
// Maskable icons are cropped to a circle of 80% diameter: full-bleed colour, art scaled into the safe zone.
const maskable = svg.replace('rx="112"', 'rx="0"').replace(/<path|<circle/g, (m) => m).replace('<path', '<g transform="translate(51.2 51.2) scale(0.8)"><path').replace('</svg>', '</g></svg>');

const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
const page = await browser.newPage();
for (const [name, size, source] of [['icon-192.png', 192, svg], ['icon-512.png', 512, svg], ['maskable-512.png', 512, maskable]] as const) {
  await page.setViewportSize({ width: size, height: size });
  await page.setContent(`<html><body style="margin:0;background:transparent">${source.replace('<svg ', `<svg width="${size}" height="${size}" `)}</body></html>`);
  await page.screenshot({ path: resolve(dir, name), omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
}
await browser.close();
console.log('icons written to', dir);
