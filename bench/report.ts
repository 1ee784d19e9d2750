import { mkdirSync, writeFileSync } from 'node:fs';

export interface Row {
  scenario: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  /** Responses other than the expected status (302 for redirects, 201 for creates). */
  unexpected: number;
  peakRssMb: number | null;
  ratioToBaseline: number | null;
  note?: string;
}

export interface Report {
  date: string;
  machine: string;
  durationSeconds: number;
  rows: Row[];
  clicks: {
    redirectsServed: number;
    clicksRecorded: number;
    duplicates: number;
    drainSeconds: number;
    cluster: { redirectsServed: number; clicksRecorded: number };
  };
  bulkImport: { rows: number; seconds: number; rowsPerSecond: number; peakRssMb: number | null; imported: number };
}

const fmt = (n: number | null, digits = 0) => (n === null ? '–' : n.toLocaleString('en-US', { maximumFractionDigits: digits }));

export function toMarkdown(report: Report): string {
  const lines = [
    `# Benchmark ${report.date}`,
    '',
    `${report.machine}; each load ${report.durationSeconds} s (autocannon).`,
    '',
    '| scenario | req/s | p50 ms | p99 ms | errors | unexpected status | peak RSS MB | vs baseline |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...report.rows.map(
      (r) =>
        `| ${r.scenario}${r.note ? ` (${r.note})` : ''} | ${fmt(r.requestsPerSecond)} | ${fmt(r.p50Ms, 1)} | ${fmt(r.p99Ms, 1)} | ${r.errors} | ${r.unexpected} | ${fmt(r.peakRssMb)} | ${r.ratioToBaseline === null ? '–' : `${(r.ratioToBaseline * 100).toFixed(1)}%`} |`,
    ),
    '',
    `Clicks: ${fmt(report.clicks.redirectsServed)} redirects served (302), ${fmt(report.clicks.clicksRecorded)} clicks recorded, ` +
      `${report.clicks.duplicates} duplicates; the events table caught up ${report.clicks.drainSeconds.toFixed(1)} s after the last load. ` +
      `Through nginx: ${fmt(report.clicks.cluster.redirectsServed)} redirects served by the three replicas, ` +
      `${fmt(report.clicks.cluster.clicksRecorded)} clicks recorded.`,
    '',
    `Bulk import: ${fmt(report.bulkImport.rows)} url rows in ${report.bulkImport.seconds.toFixed(1)} s ` +
      `(${fmt(report.bulkImport.rowsPerSecond)} rows/s, ${fmt(report.bulkImport.imported)} imported), API peak RSS ${fmt(report.bulkImport.peakRssMb)} MB.`,
    '',
  ];
  return lines.join('\n');
}

export function writeReport(directory: string, report: Report): void {
  mkdirSync(directory, { recursive: true });
  writeFileSync(`${directory}/latest.json`, JSON.stringify(report, null, 2) + '\n');
  writeFileSync(`${directory}/latest.md`, toMarkdown(report));
}
