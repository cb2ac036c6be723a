import { Chart, LinearScale, Legend, PointElement, ScatterController, Tooltip, type ChartDataset, type Plugin } from 'chart.js';
import { useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import type { UsagePolicy, UsageRow } from '../../../shared/usage.js';

// Only the parts a scatter chart needs, so the lazily loaded chunk stays small.
Chart.register(ScatterController, LinearScale, PointElement, Tooltip, Legend);

const DAY_MS = 86_400_000;

interface Point {
  x: number;
  y: number;
  label: string;
}

/** Splits rows into the chart's series: age (x) against days since last use (y). */
export function chartSeries(rows: readonly UsageRow[], now: number) {
  const due: Point[] = [];
  const stale: Point[] = [];
  const never: Point[] = [];
  const fine: Point[] = [];
  let unplotted = 0;
  for (const r of rows) {
    if (r.key.status === 'revoked' || r.flags.ageDays === undefined || r.flags.lastUsedUnknown) {
      unplotted++;
      continue;
    }
    const label = `${r.key.name || r.key.masked} · ${r.orgName} ${r.environment === 'live' ? 'LIVE' : 'test'}`;
    const lastUsed = r.key.lastUsedAt ? Date.parse(r.key.lastUsedAt) : NaN;
    // A never-used key has gone unused for its whole life.
    const quiet = Number.isNaN(lastUsed) ? r.flags.ageDays : Math.max(0, Math.floor((now - lastUsed) / DAY_MS));
    const point = { x: r.flags.ageDays, y: quiet, label };
    if (r.flags.due) due.push(point);
    else if (r.flags.stale) stale.push(point);
    else if (r.flags.neverUsed) never.push(point);
    else fine.push(point);
  }
  return { due, stale, never, fine, unplotted };
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

/**
 * Age against days since last use, one dot per key: the bottom-left is healthy, the right is due
 * for rotation, the top is stale. Drawn on a canvas with Chart.js (10,000 dots stay cheap), with
 * a text summary for screen readers.
 */
export default function UsageChart({ rows, policy, now }: { rows: readonly UsageRow[]; policy?: UsagePolicy; now: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const series = useMemo(() => chartSeries(rows, now), [rows, now]);
  const dark = useDarkScheme();
  useEffect(() => {
    if (!canvas.current) return;
    const colors = readColors(canvas.current);
    const data = (label: string, color: string, points: Point[], pointStyle: 'circle' | 'triangle' = 'circle'): ChartDataset<'scatter', Point[]> => ({
      label: `${label} (${points.length.toLocaleString()})`,
      data: points,
      backgroundColor: color,
      borderColor: color,
      pointRadius: points.length > 2000 ? 2 : 3,
      pointStyle,
    });
    const chart = new Chart<'scatter', Point[]>(canvas.current, {
      type: 'scatter',
      data: {
        datasets: [
          data('Due for rotation', colors.due, series.due),
          data('Stale', colors.stale, series.stale),
          data('Never used', colors.never, series.never, 'triangle'),
          data('Healthy', colors.healthy, series.fine),
        ],
      },
      plugins: [thresholds(policy, colors)],
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        parsing: false,
        normalized: true,
        color: colors.text,
        scales: {
          x: { type: 'linear', min: 0, title: { display: true, text: 'Age (days)', color: colors.text }, ticks: { color: colors.text }, grid: { color: colors.grid }, border: { color: colors.grid } },
          y: { type: 'linear', min: 0, title: { display: true, text: 'Days since last use', color: colors.text }, ticks: { color: colors.text }, grid: { color: colors.grid }, border: { color: colors.grid } },
        },
        plugins: {
          legend: { position: 'bottom', labels: { color: colors.text, boxWidth: 10 } },
          tooltip: { callbacks: { label: (item) => `${(item.raw as Point).label}: ${(item.raw as Point).x} d old, unused ${(item.raw as Point).y} d` } },
        },
      },
    });
    return () => chart.destroy();
    // `dark` is not read here: a change of scheme redraws the chart with the other theme's colours.
  }, [series, policy, dark]);

  const plotted = series.due.length + series.stale.length + series.never.length + series.fine.length;
  const description = `Age against days since last use for ${plotted.toLocaleString()} keys: ${series.due.length} due for rotation, ${series.stale.length} stale, ${series.never.length} never used, ${series.fine.length} healthy.`;
  return (
    <figure className="usage-chart" data-testid="usage-chart" data-plotted={plotted} data-scheme={dark ? 'dark' : 'light'}>
      <div className="usage-chart-canvas">
        <canvas ref={canvas} role="img" aria-label={description} />
      </div>
      <figcaption className="muted small">
        {description}
        {series.unplotted > 0 && ` ${series.unplotted.toLocaleString()} not plotted (revoked, no creation date, or a provider that does not report last use).`}
      </figcaption>
    </figure>
  );
}
