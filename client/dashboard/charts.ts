import { html, type SafeHtml } from './html';

/**
 * Bar charts drawn as SVG on the server: no script, no library in the page. Each chart is a
 * figure whose SVG has a title and a description (`role="img"`), a legend in text, and the table of
 * its values beside it: what the chart shows is always readable without seeing it.
 */

export interface Series {
  key: string;
  label: string;
  /** Colours from Okabe and Ito's palette, told apart with the common colour blindnesses. */
  color: string;
}

export interface Bar {
  label: string;
  /** A shorter label under the bar, when the full one (in the table and tooltips) is long. */
  axisLabel?: string;
  values: Record<string, number>;
}

export interface ChartSpec {
  id: string;
  title: string;
  /** One or two sentences a screen reader gives in place of the picture. */
  description: string;
  series: Series[];
  bars: Bar[];
  orientation: 'vertical' | 'horizontal';
  format: (value: number) => string;
  /** Header of the first column of the data table. */
  barHeader: string;
}

export const PALETTE = {
  blue: '#0072B2',
  orange: '#E69F00',
  vermillion: '#D55E00',
  green: '#009E73',
  purple: '#CC79A7',
  sky: '#56B4E9',
  grey: '#6B6B6B',
};

/** 1, 2, 2.5 or 5 times a power of ten, at least `max`. */
export function niceMax(max: number): number {
  if (max <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= max) return step * power;
  return 10 * power;
}

/** Coordinates to a tenth of a pixel: shorter markup, same picture. */
const r = (value: number) => Math.round(value * 10) / 10;

function total(bar: Bar, series: Series[]): number {
  return series.reduce((n, s) => n + (bar.values[s.key] ?? 0), 0);
}

function dataTable(spec: ChartSpec): SafeHtml {
  return html`<details class="chart-data">
    <summary>Les valeurs du graphique « ${spec.title} »</summary>
    <table>
      <caption>
        ${spec.title}
      </caption>
      <thead>
        <tr>
          <th scope="col">${spec.barHeader}</th>
          ${spec.series.map((s) => html`<th scope="col" class="num">${s.label}</th>`)}
          <th scope="col" class="num">Total</th>
        </tr>
      </thead>
      <tbody>
        ${spec.bars.map(
          (bar) =>
            html`<tr>
              <th scope="row">${bar.label}</th>
              ${spec.series.map((s) => html`<td class="num">${spec.format(bar.values[s.key] ?? 0)}</td>`)}
              <td class="num">${spec.format(total(bar, spec.series))}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </details>`;
}

function legend(spec: ChartSpec): SafeHtml {
  return html`<ul class="legend">
    ${spec.series.map(
      (s) =>
        html`<li>
          <svg width="14" height="14" aria-hidden="true" focusable="false">
            <rect width="14" height="14" fill="${s.color}"></rect>
          </svg>
          ${s.label}
        </li>`,
    )}
  </ul>`;
}

function vertical(spec: ChartSpec, max: number): SafeHtml {
  const width = 760;
  const height = 300;
  const left = 104;
  const bottom = 56;
  const top = 12;
  const plotHeight = height - top - bottom;
  const slot = (width - left - 8) / Math.max(spec.bars.length, 1);
  const barWidth = r(Math.min(44, slot * 0.7));
  const y = (value: number) => r(top + plotHeight - (value / max) * plotHeight);
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * max);
  return html`${ticks.map(
      (t) =>
        html`<line x1="${left}" x2="${width - 8}" y1="${y(t)}" y2="${y(t)}" stroke="#d0d0d0"></line>
          <text x="${left - 6}" y="${y(t) + 4}" text-anchor="end" class="tick">${spec.format(t)}</text>`,
    )}
    ${spec.bars.map((bar, i) => {
      const x = r(left + i * slot + (slot - barWidth) / 2);
      const { segments } = stacked(spec, bar, (base, value) => ({
        x,
        y: y(base + value),
        width: barWidth,
        height: r(y(base) - y(base + value)),
      }));
      return html`<g>
        ${segments}
        <text
          x="${x + barWidth / 2}"
          y="${height - bottom + 16}"
          text-anchor="end"
          transform="rotate(-35 ${x + barWidth / 2} ${height - bottom + 16})"
          class="tick"
          >${bar.axisLabel ?? bar.label}</text
        >
      </g>`;
    })}
    <line x1="${left}" x2="${width - 8}" y1="${y(0)}" y2="${y(0)}" stroke="#333"></line>
    <rect width="${width}" height="${height}" fill="none"></rect>`;
}

/** A bar's segments, one per series, stacked from zero; `place` sets a segment from its base and value. */
function stacked(
  spec: ChartSpec,
  bar: Bar,
  place: (base: number, value: number) => { x: number; y: number; width: number; height: number },
): { segments: SafeHtml[]; total: number } {
  let base = 0;
  const segments = spec.series.map((s) => {
    const value = bar.values[s.key] ?? 0;
    if (value <= 0) return html``;
    const box = place(base, value);
    base += value;
    return html`<rect x="${box.x}" y="${box.y}" width="${box.width}" height="${box.height}" fill="${s.color}"
      ><title>${bar.label} — ${s.label}: ${spec.format(value)}</title></rect
    >`;
  });
  return { segments, total: base };
}

function horizontal(spec: ChartSpec, max: number): { body: SafeHtml; height: number } {
  const width = 760;
  const left = 200;
  const right = 110;
  const row = 26;
  const top = 8;
  const height = top + spec.bars.length * row + 24;
  const x = (value: number) => r(left + (value / max) * (width - left - right));
  const body = html`${spec.bars.map((bar, i) => {
      const y = top + i * row;
      const { segments, total: base } = stacked(spec, bar, (from, value) => ({
        x: x(from),
        y: y + 4,
        width: r(x(from + value) - x(from)),
        height: row - 8,
      }));
      return html`<g>
        <text x="${left - 8}" y="${y + row / 2 + 4}" text-anchor="end" class="tick">${bar.label}</text>
        ${segments}
        <text x="${x(base) + 6}" y="${y + row / 2 + 4}" class="tick">${spec.format(base)}</text>
      </g>`;
    })} <line x1="${left}" x2="${left}" y1="${top}" y2="${height - 24}" stroke="#333"></line>`;
  return { body, height };
}

export function barChart(spec: ChartSpec): SafeHtml {
  const max = niceMax(Math.max(0, ...spec.bars.map((b) => total(b, spec.series))));
  const titleId = `${spec.id}-titre`;
  const descId = `${spec.id}-description`;
  const drawn =
    spec.orientation === 'vertical' ? { body: vertical(spec, max), height: 300 } : horizontal(spec, max);
  return html`<figure class="chart" id="${spec.id}">
    <figcaption>${spec.title}</figcaption>
    <svg
      role="img"
      aria-labelledby="${titleId} ${descId}"
      viewBox="0 0 760 ${drawn.height}"
      width="100%"
      preserveAspectRatio="xMinYMin meet"
    >
      <title id="${titleId}">${spec.title}</title>
      <desc id="${descId}">${spec.description}</desc>
      ${drawn.body}
    </svg>
    ${legend(spec)} ${dataTable(spec)}
  </figure>`;
}
