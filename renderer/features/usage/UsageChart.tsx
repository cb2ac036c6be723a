// Long on purpose: the chart's data (chartSeries, pure and tested under Node) and its drawing stay side by side.
import { Chart, LinearScale, PointElement, ScatterController, Tooltip, type ChartDataset, type Plugin } from 'chart.js';
import { useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import type { UsagePolicy, UsageRow } from '../../../shared/usage.js';

// Only the parts a scatter chart needs, so the lazily loaded chunk stays small (the legend is HTML).
Chart.register(ScatterController, LinearScale, PointElement, Tooltip);

const DAY_MS = 86_400_000;

interface Point {
  x: number;
  y: number;
  label: string;
}

export interface ChartSeries {
  /** Keys whose provider reports last use: age (x) against days since last use (y), one colour each (due wins). */
  main: { due: Point[]; stale: Point[]; never: Point[]; fine: Point[] };
  /** Keys whose provider does not report last use: by age alone (y spreads them so they do not hide each other). */
  strip: { due: Point[]; fine: Point[] };
  /** The flags' own counts over every key drawn, so the legend says what the summary and the filters say. */
  counts: { due: number; stale: number; neverUsed: number; healthy: number; unknown: number };
  /** Revoked keys and keys without a creation date. */
  unplotted: number;
  /** The oldest key drawn, in days: both panels share one age axis. */
  maxAge: number;
}

/** Splits rows into the chart's two panels, with the flags' counts. */
export function chartSeries(rows: readonly UsageRow[], now: number): ChartSeries {
  const main: ChartSeries['main'] = { due: [], stale: [], never: [], fine: [] };
  const strip: ChartSeries['strip'] = { due: [], fine: [] };
  const counts = { due: 0, stale: 0, neverUsed: 0, healthy: 0, unknown: 0 };
  let unplotted = 0;
  let maxAge = 0;
  for (const [i, r] of rows.entries()) {
    if (r.key.status === 'revoked' || r.flags.ageDays === undefined) {
      unplotted++;
      continue;
    }
    const { due, stale, neverUsed, lastUsedUnknown } = r.flags;
    maxAge = Math.max(maxAge, r.flags.ageDays);
    if (due) counts.due++;
    if (stale) counts.stale++;
    if (neverUsed) counts.neverUsed++;
    if (!due && !stale && !neverUsed) counts.healthy++;
    const label = `${r.key.name || r.key.masked} · ${r.orgName} ${r.environment === 'live' ? 'LIVE' : 'test'}`;
    if (lastUsedUnknown) {
      counts.unknown++;
      // A fixed spread from the row's place (no randomness: the same data draws the same picture).
      const point = { x: r.flags.ageDays, y: ((i * 7919) % 97) / 96, label };
      (due ? strip.due : strip.fine).push(point);
      continue;
    }
    const lastUsed = r.key.lastUsedAt ? Date.parse(r.key.lastUsedAt) : NaN;
    // A never-used key has gone unused for its whole life.
    const quiet = Number.isNaN(lastUsed) ? r.flags.ageDays : Math.max(0, Math.floor((now - lastUsed) / DAY_MS));
    const point = { x: r.flags.ageDays, y: quiet, label };
    if (due) main.due.push(point);
    else if (stale) main.stale.push(point);
    else if (neverUsed) main.never.push(point);
    else main.fine.push(point);
  }
  return { main, strip, counts, unplotted, maxAge };
}

/** The words for the counts: the same in the legend, the canvas's label and the caption. */
export function chartDescription(s: Pick<ChartSeries, 'counts'>): string {
  const c = s.counts;
  return (
    `${c.due.toLocaleString()} due for rotation, ${c.stale.toLocaleString()} stale, ${c.neverUsed.toLocaleString()} never used, ${c.healthy.toLocaleString()} healthy` +
    (c.unknown > 0 ? `; last use unknown for ${c.unknown.toLocaleString()} (drawn by age)` : '')
  );
}

/** The chart's colours, from the theme's CSS custom properties (styles.css), read at draw time. */
interface ChartColors {
  due: string;
  stale: string;
  never: string;
  healthy: string;
  grid: string;
  text: string;
}

function readColors(el: Element): ChartColors {
  const style = getComputedStyle(el);
  const token = (name: string) => style.getPropertyValue(name).trim() || 'gray';
  return {
    due: token('--chart-due'),
    stale: token('--chart-stale'),
    never: token('--chart-never'),
    healthy: token('--chart-healthy'),
    grid: token('--chart-grid'),
    text: token('--chart-text'),
  };
}

const DARK = '(prefers-color-scheme: dark)';

function onSchemeChange(onChange: () => void): () => void {
  const query = window.matchMedia(DARK);
  query.addEventListener('change', onChange);
  return () => query.removeEventListener('change', onChange);
}

const isDark = () => window.matchMedia(DARK).matches;

/** Whether the OS asks for the dark theme; changes when it does, so the chart redraws in the new colours. */
function useDarkScheme(): boolean {
  return useSyncExternalStore(onSchemeChange, isDark);
}

/** Dashed lines at the policy's thresholds (only when every key shown shares one policy). */
function thresholds(policy: UsagePolicy | undefined, colors: ChartColors): Plugin<'scatter'> {
  return {
    id: 'keydeck-thresholds',
    afterDatasetsDraw(chart) {
      if (!policy) return;
      const { ctx, chartArea, scales } = chart;
      const x = scales.x?.getPixelForValue(policy.rotateAfterDays);
      const y = scales.y?.getPixelForValue(policy.staleAfterDays);
      ctx.save();
      ctx.setLineDash([4, 4]);
      ctx.strokeStyle = colors.text;
      ctx.fillStyle = colors.text;
      ctx.font = '11px system-ui, sans-serif';
      if (x !== undefined && x >= chartArea.left && x <= chartArea.right) {
        ctx.beginPath();
        ctx.moveTo(x, chartArea.top);
        ctx.lineTo(x, chartArea.bottom);
        ctx.stroke();
        ctx.fillText(`rotate at ${policy.rotateAfterDays} d`, x + 4, chartArea.top + 12);
      }
      if (y !== undefined && y >= chartArea.top && y <= chartArea.bottom) {
        ctx.beginPath();
        ctx.moveTo(chartArea.left, y);
        ctx.lineTo(chartArea.right, y);
        ctx.stroke();
        ctx.fillText(`stale at ${policy.staleAfterDays} d`, chartArea.right - 80, y - 4);
      }
      ctx.restore();
    },
  };
}

type Colors = ChartColors;

function dataset(
  label: string,
  color: string,
  points: Point[],
  pointStyle: 'circle' | 'triangle' = 'circle',
): ChartDataset<'scatter', Point[]> {
  return {
    label,
    data: points,
    backgroundColor: color,
    borderColor: color,
    pointRadius: points.length > 2000 ? 2 : 3,
    pointStyle,
  };
}

const tooltip = (withQuiet: boolean) => ({
  callbacks: {
    label: (item: { raw: unknown }) =>
      `${(item.raw as Point).label}: ${(item.raw as Point).x} d old${withQuiet ? `, unused ${(item.raw as Point).y} d` : ''}`,
  },
});

/** Age against days since last use (the keys whose provider reports it). */
/** Both panels: drawn once per change (no animation), sized by their box, data given ready to plot. */
const STILL = {
  animation: false,
  responsive: true,
  maintainAspectRatio: false,
  parsing: false,
  normalized: true,
} as const;

/** One age axis for both panels: up to the oldest key or the rotation threshold, in whole days. */
const ageAxis = (colors: Colors, xMax: number) => ({
  type: 'linear' as const,
  min: 0,
  max: xMax,
  title: { display: true, text: 'Age (days)', color: colors.text },
  ticks: { color: colors.text, precision: 0 },
  grid: { color: colors.grid },
  border: { color: colors.grid },
});

function drawMain(
  canvas: HTMLCanvasElement,
  main: ChartSeries['main'],
  colors: Colors,
  policy: UsagePolicy | undefined,
  xMax: number,
) {
  return new Chart<'scatter', Point[]>(canvas, {
    type: 'scatter',
    data: {
      datasets: [
        dataset('Due for rotation', colors.due, main.due),
        dataset('Stale', colors.stale, main.stale),
        dataset('Never used', colors.never, main.never, 'triangle'),
        dataset('Healthy', colors.healthy, main.fine),
      ],
    },
    plugins: [thresholds(policy, colors)],
    options: {
      ...STILL,
      color: colors.text,
      scales: {
        x: ageAxis(colors, xMax),
        y: {
          type: 'linear',
          min: 0,
          grace: '5%',
          title: { display: true, text: 'Days since last use', color: colors.text },
          ticks: { color: colors.text },
          grid: { color: colors.grid },
          border: { color: colors.grid },
        },
      },
      plugins: { legend: { display: false }, tooltip: tooltip(true) },
    },
  });
}

/** Age alone (the keys whose provider does not report last use), with the rotation threshold. */
function drawStrip(
  canvas: HTMLCanvasElement,
  strip: ChartSeries['strip'],
  colors: Colors,
  policy: UsagePolicy | undefined,
  xMax: number,
) {
  return new Chart<'scatter', Point[]>(canvas, {
    type: 'scatter',
    data: {
      datasets: [dataset('Due for rotation', colors.due, strip.due), dataset('Not due', colors.healthy, strip.fine)],
    },
    plugins: [thresholds(policy && { ...policy, staleAfterDays: -1 }, colors)],
    options: {
      ...STILL,
      scales: {
        x: ageAxis(colors, xMax),
        y: { type: 'linear', min: -0.2, max: 1.2, display: false },
      },
      plugins: { legend: { display: false }, tooltip: tooltip(false) },
    },
  });
}

/**
 * One dot per key. Keys whose provider reports last use: age against days since last use (the
 * bottom-left is healthy, the right is due for rotation, the top is stale). Keys whose provider does
 * not: a strip by age, so they are drawn too (four providers out of five). One legend for both, with
 * the flags' own counts; drawn on canvases with Chart.js (10,000 dots stay cheap), with the same
 * words for screen readers.
 */
export default function UsageChart({
  rows,
  policy,
  now,
}: {
  rows: readonly UsageRow[];
  policy?: UsagePolicy;
  now: number;
}) {
  const mainCanvas = useRef<HTMLCanvasElement>(null);
  const stripCanvas = useRef<HTMLCanvasElement>(null);
  const series = useMemo(() => chartSeries(rows, now), [rows, now]);
  const dark = useDarkScheme();
  const mainCount =
    series.main.due.length + series.main.stale.length + series.main.never.length + series.main.fine.length;
  const stripCount = series.strip.due.length + series.strip.fine.length;
  useEffect(() => {
    const charts: Chart<'scatter', Point[]>[] = [];
    const xMax = Math.ceil(Math.max(10, series.maxAge, policy?.rotateAfterDays ?? 0) * 1.05);
    if (mainCanvas.current)
      charts.push(drawMain(mainCanvas.current, series.main, readColors(mainCanvas.current), policy, xMax));
    if (stripCanvas.current)
      charts.push(drawStrip(stripCanvas.current, series.strip, readColors(stripCanvas.current), policy, xMax));
    return () => charts.forEach((c) => c.destroy());
    // `dark` is not read here: a change of scheme redraws the chart with the other theme's colours.
  }, [series, policy, dark]);

  const description = chartDescription(series);
  const c = series.counts;
  const legend: [string, string, number][] = [
    ['due', 'Due for rotation', c.due],
    ['stale', 'Stale', c.stale],
    ['never', 'Never used', c.neverUsed],
    ['healthy', 'Healthy', c.healthy],
  ];
  return (
    <figure
      className="usage-chart"
      data-testid="usage-chart"
      data-plotted={mainCount + stripCount}
      data-scheme={dark ? 'dark' : 'light'}
    >
      <ul className="chart-legend" aria-label="Legend" data-testid="chart-legend">
        {legend.map(([key, label, n]) => (
          <li key={key} data-flag={key}>
            <span className={`chart-swatch chart-swatch-${key}`} aria-hidden="true" /> {label} ({n.toLocaleString()})
          </li>
        ))}
      </ul>
      {mainCount > 0 && (
        <div className="usage-chart-canvas">
          <canvas
            ref={mainCanvas}
            role="img"
            aria-label={`Age against days since last use for ${mainCount.toLocaleString()} keys. ${description}.`}
          />
        </div>
      )}
      {stripCount > 0 && (
        <div className="usage-chart-strip">
          <p className="small muted chart-strip-title">
            Last use unknown (the provider does not report it): {stripCount.toLocaleString()} key
            {stripCount === 1 ? '' : 's'} by age
          </p>
          <div className="usage-chart-strip-canvas">
            <canvas
              ref={stripCanvas}
              role="img"
              aria-label={`Age of ${stripCount.toLocaleString()} keys whose last use is unknown: ${series.strip.due.length.toLocaleString()} due for rotation.`}
            />
          </div>
        </div>
      )}
      <figcaption className="muted small">
        {description}. A key both due and stale is drawn as due.
        {series.unplotted > 0 && ` ${series.unplotted.toLocaleString()} not drawn (revoked, or no creation date).`}
      </figcaption>
    </figure>
  );
}
