/*
 * The staff chart of disclosures per agency per day, drawn as a standalone SVG document: one line per agency
 * (points too when the range is short enough to see them), a y axis with round ticks, dates along the x axis,
 * and a legend with the agencies' names. Pure: the same counts always draw the same bytes. It loads nothing
 * (no fonts, images, scripts or styles from elsewhere), and every text in it is XML-escaped, so an agency's name
 * is only ever text.
 */
import { daysOf, type DayRange } from './volume-queries.ts';

export interface ChartSeries {
  agency: { id: string; th: string; en: string };
  total: number;
  days: { date: string; count: number }[];
}

export interface VolumeChartInput extends DayRange {
  timeZone: string;
  agencies: ChartSeries[];
}

/** Agencies drawn with lines of their own; the rest are summed into one line. */
const MAX_CHART_SERIES = 8;

// Okabe and Ito's palette, which people with the common colour vision deficiencies can tell apart.
const colours = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#D55E00', '#56B4E9', '#000000', '#B8860B'];
const otherColour = '#999999';
const dashes = ['', '', '', '', '6 3', '6 3', '2 3', '2 3'];

// Characters XML 1.0 does not allow, even escaped (C0 controls but tab and line breaks, lone surrogates, U+FFFE and U+FFFF).
const notXmlCharacters = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Text made safe for XML character data and attribute values. */
function xmlEscape(value: string): string {
  return value
    .replace(notXmlCharacters, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const number = (value: number) => String(Math.round(value * 10) / 10);

/** A round step for about `ticks` steps up to `max`: 1, 2 or 5 times a power of ten. */
function niceStep(max: number, ticks: number): number {
  const raw = Math.max(max, 1) / ticks;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  return Math.max(1, step);
}

/** An agency's name as the legend shows it: Thai and English when they differ. */
function agencyLabel(agency: { th: string; en: string }): string {
  return agency.th === agency.en ? agency.th : `${agency.th} · ${agency.en}`;
}

interface Line {
  label: string;
  colour: string;
  dash: string;
  total: number;
  counts: number[];
}

function linesOf(input: VolumeChartInput, days: string[]): Line[] {
  const index = new Map(days.map((day, i) => [day, i]));
  const countsOf = (series: ChartSeries[]) => {
    const counts = days.map(() => 0);
    for (const s of series) for (const day of s.days) {
      const i = index.get(day.date);
      if (i !== undefined) counts[i]! += day.count;
    }
    return counts;
  };
  const sorted = [...input.agencies].sort((a, b) => b.total - a.total);
  const drawn = sorted.length > MAX_CHART_SERIES ? sorted.slice(0, MAX_CHART_SERIES - 1) : sorted;
  const rest = sorted.slice(drawn.length);
  const lines: Line[] = drawn.map((s, i) => ({
    label: agencyLabel(s.agency),
    colour: colours[i % colours.length]!,
    dash: dashes[i % dashes.length]!,
    total: s.total,
    counts: countsOf([s]),
  }));
  if (rest.length) {
    lines.push({
      label: `${rest.length} other agencies · หน่วยงานอื่น ${rest.length} แห่ง`,
      colour: otherColour,
      dash: '',
      total: rest.reduce((sum, s) => sum + s.total, 0),
      counts: countsOf(rest),
    });
  }
  return lines;
}

/** The chart as an SVG document (UTF-8, with its XML declaration). */
export function volumeChartSvg(input: VolumeChartInput): string {
  const days = daysOf(input);
  const lines = linesOf(input, days);
  const width = 960;
  const plot = { left: 64, top: 56, width: 960 - 64 - 24, height: 300 };
  const legendTop = plot.top + plot.height + 56;
  const legendRow = 22;
  const height = legendTop + Math.max(1, lines.length) * legendRow + 16;

  const max = Math.max(0, ...lines.flatMap((line) => line.counts));
  const step = niceStep(max, 5);
  const top = Math.max(step, Math.ceil(max / step) * step);
  const x = (i: number) => plot.left + (days.length === 1 ? plot.width / 2 : (i * plot.width) / (days.length - 1));
  const y = (count: number) => plot.top + plot.height - (count / top) * plot.height;

  const title = `Disclosures per agency per day, ${input.from} to ${input.to} (${input.timeZone})`;
  const description = lines.length
    ? lines.map((line) => `${line.label}: ${line.total}`).join('; ')
    : 'No disclosures in this period.';
  const out: string[] = [];
  out.push('<?xml version="1.0" encoding="UTF-8"?>');
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="chart-title chart-desc" font-family="sans-serif" font-size="12">`,
  );
  out.push(`<title id="chart-title">${xmlEscape(title)}</title>`);
  out.push(`<desc id="chart-desc">${xmlEscape(description)}</desc>`);
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="${plot.left}" y="28" font-size="16" font-weight="bold" fill="#222222">${xmlEscape(title)}</text>`);

  // The y axis: gridlines at round counts.
  out.push('<g class="y-axis" fill="#555555" text-anchor="end">');
  for (let count = 0; count <= top; count += step) {
    const at = number(y(count));
    out.push(`<line x1="${plot.left}" y1="${at}" x2="${plot.left + plot.width}" y2="${at}" stroke="#e0e0e0"/>`);
    out.push(`<text x="${plot.left - 8}" y="${number(y(count) + 4)}">${count}</text>`);
  }
  out.push(
    `<text transform="translate(16 ${number(plot.top + plot.height / 2)}) rotate(-90)" text-anchor="middle">${xmlEscape('Disclosures per day')}</text>`,
  );
  out.push('</g>');

  // The x axis: about eight dates, evenly spaced.
  const every = Math.max(1, Math.ceil(days.length / 8));
  out.push('<g class="x-axis" fill="#555555" text-anchor="middle">');
  out.push(`<line x1="${plot.left}" y1="${plot.top + plot.height}" x2="${plot.left + plot.width}" y2="${plot.top + plot.height}" stroke="#888888"/>`);
  days.forEach((day, i) => {
    if (i % every !== 0 && i !== days.length - 1) return;
    if (i === days.length - 1 && i % every !== 0 && i % every < every / 2) return; // too close to the label before it
    const at = number(x(i));
    out.push(`<line x1="${at}" y1="${plot.top + plot.height}" x2="${at}" y2="${plot.top + plot.height + 5}" stroke="#888888"/>`);
    out.push(`<text x="${at}" y="${plot.top + plot.height + 20}">${xmlEscape(day)}</text>`);
  });
  out.push('</g>');

  if (lines.length === 0) {
    out.push(
      `<text x="${number(plot.left + plot.width / 2)}" y="${number(plot.top + plot.height / 2)}" text-anchor="middle" fill="#555555" font-size="14">${xmlEscape('No disclosures in this period · ไม่มีการเปิดเผยข้อมูลในช่วงนี้')}</text>`,
    );
  }

  // One line per agency, points with their counts as tooltips when there are few days.
  const points = days.length <= 62;
  for (const line of lines) {
    const label = xmlEscape(line.label);
    out.push(`<g class="series" stroke="${line.colour}" fill="${line.colour}">`);
    out.push(`<title>${label}: ${line.total}</title>`);
    const path = line.counts.map((count, i) => `${number(x(i))},${number(y(count))}`).join(' ');
    out.push(`<polyline points="${path}" fill="none" stroke-width="2"${line.dash ? ` stroke-dasharray="${line.dash}"` : ''}/>`);
    if (points) {
      line.counts.forEach((count, i) => {
        out.push(`<circle cx="${number(x(i))}" cy="${number(y(count))}" r="3"><title>${label}, ${xmlEscape(days[i]!)}: ${count}</title></circle>`);
      });
    }
    out.push('</g>');
  }

  // The legend: a swatch, the agency's names and its total.
  out.push(`<g class="legend" fill="#222222">`);
  lines.forEach((line, i) => {
    const rowY = legendTop + i * legendRow;
    out.push(
      `<line x1="${plot.left}" y1="${rowY - 4}" x2="${plot.left + 24}" y2="${rowY - 4}" stroke="${line.colour}" stroke-width="3"${line.dash ? ` stroke-dasharray="${line.dash}"` : ''}/>`,
    );
    out.push(`<text x="${plot.left + 32}" y="${rowY}">${xmlEscape(`${line.label} (${line.total})`)}</text>`);
  });
  out.push('</g>');
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
