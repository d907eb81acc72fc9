/** A plain SVG bar chart of the eval table: per file and field, R1/R2/RLsum for the product and each baseline. */
import type { ResultRow } from './eval.js';

const METRICS = [
  { key: 'rouge1', label: 'R1', color: '#1f77b4' },
  { key: 'rouge2', label: 'R2', color: '#ff7f0e' },
  { key: 'rougeLsum', label: 'RLsum', color: '#2ca02c' },
] as const;

const BAR = 14;
const GROUP_GAP = 18;
const LABEL_WIDTH = 260;
const SCALE = 8; // pixels per ROUGE point
const MAX_POINTS = 60;

export function renderChart(results: ResultRow[]): string {
  const groupHeight = METRICS.length * BAR + GROUP_GAP;
  const height = 40 + results.length * groupHeight;
  const width = LABEL_WIDTH + MAX_POINTS * SCALE + 80;
  const parts: string[] = [];
  results.forEach((row, i) => {
    const y = 30 + i * groupHeight;
    const label = `${row.file} · ${row.field} · ${row.system}`;
    parts.push(
      `<text x="${LABEL_WIDTH - 8}" y="${y + 1.5 * BAR + 4}" text-anchor="end">${escape(label)}</text>`,
    );
    METRICS.forEach((metric, m) => {
      const value = 100 * row.scores[metric.key];
      const barY = y + m * BAR;
      const barWidth = Math.min(value, MAX_POINTS) * SCALE;
      parts.push(
        `<rect x="${LABEL_WIDTH}" y="${barY}" width="${barWidth.toFixed(1)}" height="${BAR - 2}" fill="${metric.color}"/>`,
      );
      parts.push(
        `<text x="${LABEL_WIDTH + barWidth + 4}" y="${barY + BAR - 4}">${metric.label} ${value.toFixed(2)}</text>`,
      );
    });
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">\n` +
    `<text x="8" y="16" font-size="13" font-weight="bold">ROUGE F1 (x100): product vs baselines</text>\n` +
    `${parts.join('\n')}\n</svg>\n`
  );
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
