/** What the benchmark's processes share: names, statistics, formatting. */

/** The name of the i-th seeded organization (0-based): `Org 0001`… */
export const orgName = (i: number) => `Org ${String(i + 1).padStart(4, '0')}`;

export const sorted = (xs: readonly number[]) => [...xs].sort((a, b) => a - b);

/** Median: the middle value, or the mean of the middle two for an even count. */
export function median(xs: readonly number[]): number {
  const s = sorted(xs);
  if (s.length === 0) return Number.NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** Nearest-rank percentile. */
export function pct(xs: readonly number[], p: number): number {
  const s = sorted(xs);
  if (s.length === 0) return Number.NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] as number;
}

export interface Summary {
  n: number;
  p50: number;
  p95: number;
  min: number;
  max: number;
  raw: number[];
}

export function summarize(xs: readonly number[]): Summary {
  const s = sorted(xs);
  return {
    n: s.length,
    p50: median(s),
    p95: pct(s, 95),
    min: s[0] ?? Number.NaN,
    max: s[s.length - 1] ?? Number.NaN,
    raw: [...xs],
  };
}

export const fmtMs = (n: number) =>
  Number.isFinite(n) ? (n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${n.toFixed(n < 10 ? 2 : 1)} ms`) : '—';
export const fmtX = (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)}×` : '—');
export const fmtMb = (n: number) => (Number.isFinite(n) ? `${n.toFixed(0)} MB` : '—');
