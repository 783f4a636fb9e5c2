/**
 * Prometheus metrics held in memory by one process: counters and fixed-bucket histograms with
 * labels. `render()` produces the text exposition format.
 */
const DEFAULT_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

type Labels = Readonly<Record<string, string>>;

interface Series {
  labels: Labels;
  value: number;
}

interface HistogramSeries {
  labels: Labels;
  counts: number[];
  sum: number;
  count: number;
}

export class MetricsRegistry {
  readonly #counters = new Map<string, { help: string; series: Map<string, Series> }>();
  readonly #histograms = new Map<
    string,
    { help: string; buckets: number[]; series: Map<string, HistogramSeries> }
  >();
  readonly #gauges = new Map<string, { help: string; read: () => number }>();

  counter(name: string, help: string, labels: Labels, by = 1): void {
    const metric = this.#counters.get(name) ?? { help, series: new Map() };
    this.#counters.set(name, metric);
    const key = labelKey(labels);
    const series = metric.series.get(key) ?? { labels, value: 0 };
    series.value += by;
    metric.series.set(key, series);
  }

  observe(name: string, help: string, labels: Labels, seconds: number): void {
    const metric = this.#histograms.get(name) ?? { help, buckets: DEFAULT_BUCKETS, series: new Map() };
    this.#histograms.set(name, metric);
    const key = labelKey(labels);
    const series = metric.series.get(key) ??
      { labels, counts: metric.buckets.map(() => 0), sum: 0, count: 0 };
    metric.buckets.forEach((le, i) => {
      if (seconds <= le) series.counts[i]! += 1;
    });
    series.sum += seconds;
    series.count += 1;
    metric.series.set(key, series);
  }

  /** A value read at scrape time (queue depths, pool sizes). */
  gauge(name: string, help: string, read: () => number): void {
    this.#gauges.set(name, { help, read });
  }

  render(): string {
    const out: string[] = [];
    for (const [name, m] of this.#counters) {
      out.push(`# HELP ${name} ${m.help}`, `# TYPE ${name} counter`);
      for (const s of m.series.values()) out.push(`${name}${formatLabels(s.labels)} ${s.value}`);
    }
    for (const [name, m] of this.#histograms) {
      out.push(`# HELP ${name} ${m.help}`, `# TYPE ${name} histogram`);
      for (const s of m.series.values()) {
        m.buckets.forEach((le, i) =>
          out.push(`${name}_bucket${formatLabels({ ...s.labels, le: String(le) })} ${s.counts[i]}`)
        );
        out.push(`${name}_bucket${formatLabels({ ...s.labels, le: "+Inf" })} ${s.count}`);
        out.push(
          `${name}_sum${formatLabels(s.labels)} ${s.sum}`,
          `${name}_count${formatLabels(s.labels)} ${s.count}`,
        );
      }
    }
    for (const [name, g] of this.#gauges) {
      out.push(`# HELP ${name} ${g.help}`, `# TYPE ${name} gauge`, `${name} ${g.read()}`);
    }
    return `${out.join("\n")}\n`;
  }
}

/** A series' identity within its metric: its labels, in the order given. */
function labelKey(labels: Labels): string {
  let key = "";
  for (const name in labels) key += `${name}=${labels[name]},`;
  return key;
}

function formatLabels(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) =>
    `${k}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`
  );
  return parts.length ? `{${parts.join(",")}}` : "";
}
