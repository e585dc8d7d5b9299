/**
 * The report's chart: present, late, absent and excused per school day as
 * stacked bars, drawn as SVG with the DOM API (no charting library: a few
 * dozen rectangles). It is an image with a title and a summary for screen
 * readers; the same numbers are in a table beside it.
 */
import type { ReportDay } from '../shared/attendance-report.ts';
import { dayText } from './format-time.ts';

const SVG = 'http://www.w3.org/2000/svg';

/** Each colour at least 3:1 against white and its neighbours told apart by their order and the legend. */
export const SERIES = [
  { key: 'present', label: 'Present', colour: '#2e7d32' },
  { key: 'late', label: 'Late', colour: '#a15c00' },
  { key: 'absent', label: 'Absent', colour: '#c62828' },
  { key: 'excused', label: 'Excused', colour: '#1f5fa8' },
] as const;

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  return node;
}

export function reportChart(days: readonly ReportDay[], title: string, summary: string): SVGSVGElement {
  const width = 720;
  const height = 260;
  const left = 44;
  const bottom = 40;
  const top = 12;
  const most = Math.max(1, ...days.map((d) => d.present + d.late + d.absent + d.excused));
  const slot = (width - left - 8) / Math.max(1, days.length);
  const scale = (height - top - bottom) / most;
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', class: 'report-chart' });
  const titleId = `chart-title-${days[0]?.date ?? 'none'}`;
  const descId = `${titleId}-desc`;
  chart.setAttribute('aria-labelledby', `${titleId} ${descId}`);
  const titleNode = svg('title', { id: titleId });
  titleNode.textContent = title;
  const descNode = svg('desc', { id: descId });
  descNode.textContent = summary;
  chart.append(titleNode, descNode);
  // The scale: nought and the tallest day.
  for (const value of [0, most]) {
    const y = height - bottom - value * scale;
    chart.append(svg('line', { x1: left, x2: width - 8, y1: y, y2: y, stroke: '#8a8a8a', 'stroke-width': 1 }));
    const label = svg('text', { x: left - 6, y: y + 4, 'text-anchor': 'end', 'font-size': 12, fill: '#333' });
    label.textContent = value.toLocaleString('en');
    chart.append(label);
  }
  days.forEach((day, i) => {
    const x = left + i * slot + slot * 0.15;
    let y = height - bottom;
    for (const series of SERIES) {
      const h = day[series.key] * scale;
      if (h > 0) chart.append(svg('rect', { x, y: y - h, width: slot * 0.7, height: h, fill: series.colour }));
      y -= h;
    }
    // Every fifth day, and the last, named under its bar.
    if (i % 5 === 0 || i === days.length - 1) {
      const label = svg('text', { x: x + slot * 0.35, y: height - bottom + 16, 'text-anchor': 'middle', 'font-size': 11, fill: '#333' });
      label.textContent = dayText(day.date).replace(/^\S+ /, '');
      chart.append(label);
    }
  });
  return chart;
}

/** A legend's colour square, beside its word (the word is what a screen reader reads). */
export function swatch(colour: string): SVGSVGElement {
  const square = svg('svg', { width: 14, height: 14, viewBox: '0 0 14 14', 'aria-hidden': 'true', class: 'swatch' });
  square.append(svg('rect', { width: 14, height: 14, fill: colour }));
  return square;
}
