import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SERVICE_METRICS } from './support/service-metrics.js';

/**
 * The monitoring configuration (prometheus/, grafana/) only names metrics the service exports.
 * A renamed metric otherwise fails silently: a dashboard panel shows "No data" and an alert can
 * never fire. promtool and amtool checks run in scripts/check-monitoring.sh; this test needs neither.
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RULES_DIR = join(ROOT, 'prometheus', 'rules');
const DASHBOARDS_DIR = join(ROOT, 'grafana', 'dashboards');
const RUNBOOK = 'https://github.com/example/shortener/blob/main/RUNBOOK.md';

/** Histograms: their series are <name>_bucket, <name>_sum and <name>_count. */
const HISTOGRAMS = new Set(['http_request_duration_seconds', 'nodejs_gc_duration_seconds']);

/** Every metric GET /metrics exports (libs/metrics, libs/cache, libs/events, libs/redirect, prom-client defaults). */
const EXPORTED = new Set([
  ...HISTOGRAMS,
  ...SERVICE_METRICS,
  'shortener_clicks_abandoned_total',
  // prom-client collectDefaultMetrics()
  'process_cpu_user_seconds_total',
  'process_cpu_system_seconds_total',
  'process_cpu_seconds_total',
  'process_start_time_seconds',
  'process_resident_memory_bytes',
  'process_virtual_memory_bytes',
  'process_heap_bytes',
  'process_open_fds',
  'process_max_fds',
  'nodejs_eventloop_lag_seconds',
  'nodejs_eventloop_lag_min_seconds',
  'nodejs_eventloop_lag_max_seconds',
  'nodejs_eventloop_lag_mean_seconds',
  'nodejs_eventloop_lag_stddev_seconds',
  'nodejs_eventloop_lag_p50_seconds',
  'nodejs_eventloop_lag_p90_seconds',
  'nodejs_eventloop_lag_p99_seconds',
  'nodejs_active_resources',
  'nodejs_active_resources_total',
  'nodejs_active_handles',
  'nodejs_active_handles_total',
  'nodejs_active_requests',
  'nodejs_active_requests_total',
  'nodejs_heap_size_total_bytes',
  'nodejs_heap_size_used_bytes',
  'nodejs_external_memory_bytes',
  'nodejs_heap_space_size_total_bytes',
  'nodejs_heap_space_size_used_bytes',
  'nodejs_heap_space_size_available_bytes',
  'nodejs_version_info',
]);

/** Series Prometheus itself adds for every scrape target. */
const FROM_PROMETHEUS = new Set(['up']);

const AGGREGATORS = new Set([
  'sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk',
  'quantile', 'limitk', 'limit_ratio',
]);

/** Followed by a parenthesised list of label names, which are not metrics. */
const LABEL_LIST_KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);

const KEYWORDS = new Set(['bool', 'and', 'or', 'unless', 'offset', 'atan2', 'inf', 'nan']);

const FUNCTIONS = new Set([
  'abs', 'absent', 'absent_over_time', 'acos', 'acosh', 'asin', 'asinh', 'atan', 'atanh', 'avg_over_time',
  'ceil', 'changes', 'clamp', 'clamp_max', 'clamp_min', 'cos', 'cosh', 'count_over_time', 'day_of_month',
  'day_of_week', 'day_of_year', 'days_in_month', 'deg', 'delta', 'deriv', 'double_exponential_smoothing',
  'exp', 'floor', 'histogram_avg', 'histogram_count', 'histogram_fraction', 'histogram_quantile',
  'histogram_stddev', 'histogram_stdvar', 'histogram_sum', 'holt_winters', 'hour', 'idelta', 'increase',
  'irate', 'label_join', 'label_replace', 'last_over_time', 'ln', 'log10', 'log2', 'mad_over_time',
  'max_over_time', 'min_over_time', 'minute', 'month', 'pi', 'predict_linear', 'present_over_time',
  'quantile_over_time', 'rad', 'rate', 'resets', 'round', 'scalar', 'sgn', 'sin', 'sinh', 'sort',
  'sort_by_label', 'sort_by_label_desc', 'sort_desc', 'sqrt', 'stddev_over_time', 'stdvar_over_time',
  'sum_over_time', 'tan', 'tanh', 'time', 'timestamp', 'vector', 'year',
  // `@ start()` / `@ end()`
  'start', 'end',
]);

/** A Grafana variable query as PromQL: label_values(<series>, <label>) reads <series>. */
function variableQuery(definition: string): string {
  return definition.replace(/^\s*label_values\((.*),\s*\w+\s*\)\s*$/s, '$1');
}

interface Names {
  metrics: Set<string>;
  functions: Set<string>;
}

type Token = { kind: 'ident' | 'punct'; text: string };

/**
 * The metric names a PromQL expression reads, and the functions it calls. Strings, Grafana
 * variables, comments, label matchers ({…}), ranges and subqueries ([…]), numbers, durations,
 * keywords, aggregation operators and the label lists of by/without/on/ignoring/group_left/
 * group_right are not metric names; a name given as {__name__="…"} is.
 */
function promqlNames(expr: string): Names {
  const metrics = new Set<string>();
  const functions = new Set<string>();

  for (const match of expr.matchAll(/__name__\s*=\s*"([^"\\]*)"/g)) metrics.add(match[1]);

  const text = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' "" ')
    .replace(/\$\{[^}]*\}|\$\w+/g, ' 0 ')
    .replace(/#[^\n]*/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ');

  const tokens: Token[] = [];
  const lexer =
    /(\d+(?:ms|[smhdwy])(?:\d+(?:ms|[smhdwy]))*)(?![\w:])|(0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|([a-zA-Z_:][\w:]*)|(\S)/g;
  for (const match of text.matchAll(lexer)) {
    if (match[3] !== undefined) tokens.push({ kind: 'ident', text: match[3] });
    else if (match[4] !== undefined) tokens.push({ kind: 'punct', text: match[4] });
    // durations and numbers are dropped
  }

  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.kind !== 'ident') continue;
    const lower = token.text.toLowerCase();
    const next = tokens[i + 1];
    const calls = next?.kind === 'punct' && next.text === '(';
    if (LABEL_LIST_KEYWORDS.has(lower)) {
      if (calls) {
        let depth = 0;
        for (i = i + 1; i < tokens.length; i++) {
          if (tokens[i].text === '(') depth++;
          else if (tokens[i].text === ')' && --depth === 0) break;
        }
      }
      continue;
    }
    if (KEYWORDS.has(lower) || AGGREGATORS.has(lower)) continue;
    if (calls) functions.add(token.text);
    else metrics.add(token.text);
  }
  return { metrics, functions };
}

interface Rule {
  file: string;
  kind: 'alert' | 'record';
  name: string;
  expr: string;
  /** The rule's lines, for labels and annotations. */
  body: string;
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/** The value of `expr:` starting at lines[index]: plain, quoted, or a block scalar (| or >). */
function exprValue(lines: string[], index: number): string {
  const match = /^(\s*)(-\s+)?expr:\s*(.*)$/.exec(lines[index]);
  if (!match) throw new Error(`not an expr line: ${lines[index]}`);
  const keyIndent = match[1].length + (match[2]?.length ?? 0);
  const first = match[3].replace(/\s+#.*$/, '').trim();
  const continuation: string[] = [];
  for (let j = index + 1; j < lines.length; j++) {
    if (lines[j].trim() === '') {
      continuation.push('');
      continue;
    }
    if (indentOf(lines[j]) <= keyIndent) break;
    continuation.push(lines[j]);
  }
  if (/^[|>][-+]?$/.test(first)) return continuation.join('\n');
  const value = [first, ...continuation.map((line) => line.trim())].join(' ').trim();
  const quoted = /^"(.*)"$|^'(.*)'$/s.exec(value);
  if (!quoted) return value;
  return quoted[1] !== undefined ? quoted[1].replace(/\\"/g, '"').replace(/\\\\/g, '\\') : quoted[2].replace(/''/g, "'");
}

/** The rules of a Prometheus rule file, read line by line (the `yaml` package is not a dependency). */
function parseRules(file: string, source: string): Rule[] {
  const lines = source.split('\n');
  const rules: Rule[] = [];
  let current: { kind: 'alert' | 'record'; name: string; indent: number; start: number } | undefined;
  const close = (end: number): void => {
    if (!current) return;
    const bodyLines = lines.slice(current.start, end);
    const exprAt = bodyLines.findIndex((line) => /^\s*(-\s+)?expr:/.test(line));
    rules.push({
      file,
      kind: current.kind,
      name: current.name,
      expr: exprAt === -1 ? '' : exprValue(lines, current.start + exprAt),
      body: bodyLines.join('\n'),
    });
    current = undefined;
  };
  lines.forEach((line, index) => {
    const item = /^(\s*)-\s+(alert|record):\s*["']?([\w:]+)["']?\s*$/.exec(line);
    if (item) {
      close(index);
      current = { kind: item[2] as 'alert' | 'record', name: item[3], indent: item[1].length, start: index };
    } else if (current && line.trim() !== '' && !line.trimStart().startsWith('#') && indentOf(line) <= current.indent) {
      close(index);
    }
  });
  close(lines.length);
  return rules;
}

interface DashboardQuery {
  file: string;
  panel: string;
  expr: string;
}

interface Panel {
  title?: string;
  targets?: { expr?: string; datasource?: { uid?: string } }[];
  panels?: Panel[];
}

function dashboardQueries(): DashboardQuery[] {
  const queries: DashboardQuery[] = [];
  for (const file of readdirSync(DASHBOARDS_DIR).filter((name) => name.endsWith('.json'))) {
    const dashboard = JSON.parse(readFileSync(join(DASHBOARDS_DIR, file), 'utf8')) as { panels?: Panel[] };
    const walk = (panels: Panel[] | undefined): void => {
      for (const panel of panels ?? []) {
        for (const target of panel.targets ?? []) {
          if (target.expr !== undefined) queries.push({ file, panel: panel.title ?? '(untitled)', expr: target.expr });
        }
        walk(panel.panels); // collapsed rows hold their panels
      }
    };
    walk(dashboard.panels);
  }
  return queries;
}

function isExported(name: string): boolean {
  if (EXPORTED.has(name)) return true;
  const histogram = /^(.*)_(bucket|sum|count)$/.exec(name);
  return histogram !== null && HISTOGRAMS.has(histogram[1]);
}

const rules = readdirSync(RULES_DIR)
  .filter((name) => /\.ya?ml$/.test(name))
  .flatMap((name) => parseRules(name, readFileSync(join(RULES_DIR, name), 'utf8')));
const recorded = new Set(rules.filter((rule) => rule.kind === 'record').map((rule) => rule.name));
const alerts = rules.filter((rule) => rule.kind === 'alert');

/** "where: name" for every name an expression reads that is neither exported, recorded nor `up`. */
function unknownNames(where: string, expr: string): string[] {
  const { metrics, functions } = promqlNames(expr);
  const problems = [...metrics]
    .filter((name) => !isExported(name) && !recorded.has(name) && !FROM_PROMETHEUS.has(name))
    .map((name) => `${where}: unknown metric ${name}`);
  for (const fn of functions) {
    if (!FUNCTIONS.has(fn)) problems.push(`${where}: unknown function ${fn}()`);
  }
  return problems;
}

describe('PromQL name extraction', () => {
  it('keeps metric names and drops labels, functions, keywords, numbers, durations and strings', () => {
    const expr = `
      # a comment naming not_a_metric
      histogram_quantile(0.99, sum by (job, le) (rate(http_request_duration_seconds_bucket{route="/:short_code", instance=~"$instance"}[$__rate_interval])))
      > bool 1e-3 * 14.4
      and on (job) group_left (instance) max without (state) (shortener_db_pool_connections offset 5m)
      or ignoring(le) clamp_min(rate(process_cpu_seconds_total[5m:30s] @ start()), 0x10)
      unless label_replace(up, "dst", "$1", "src", "(.*)") / {__name__="nodejs_heap_size_used_bytes"}
      + sum(increase(shortener_clicks_failed_total[1h30m])) by (job) + vector(0) + Inf`;
    const { metrics, functions } = promqlNames(expr);
    expect([...metrics].sort()).toEqual([
      'http_request_duration_seconds_bucket',
      'nodejs_heap_size_used_bytes',
      'process_cpu_seconds_total',
      'shortener_clicks_failed_total',
      'shortener_db_pool_connections',
      'up',
    ]);
    expect([...functions].sort()).toEqual([
      'clamp_min', 'histogram_quantile', 'increase', 'label_replace', 'rate', 'start', 'vector',
    ]);
  });

  it('reads recording-rule names as metrics', () => {
    expect([...promqlNames('job:http_request_errors:rate5m / job:http_requests:rate5m').metrics]).toEqual([
      'job:http_request_errors:rate5m',
      'job:http_requests:rate5m',
    ]);
  });
});

describe('Prometheus rules (prometheus/rules/*.yml)', () => {
  it('are read with an expression each', () => {
    expect(recorded.size).toBeGreaterThan(10);
    expect(alerts.length).toBeGreaterThan(5);
    const missing = rules.filter((rule) => rule.expr.trim() === '').map((rule) => `${rule.file}: ${rule.name}`);
    expect(missing).toEqual([]);
    // Every expr: line of the files belongs to exactly one rule read.
    const exprLines = readdirSync(RULES_DIR)
      .filter((name) => /\.ya?ml$/.test(name))
      .map((name) => readFileSync(join(RULES_DIR, name), 'utf8').match(/^\s*(-\s+)?expr:/gm)?.length ?? 0)
      .reduce((sum, count) => sum + count, 0);
    expect(rules.length).toBe(exprLines);
  });

  it('only read metrics the service exports, recorded series, or up', () => {
    const problems = rules.flatMap((rule) => unknownNames(`${rule.file} ${rule.kind} ${rule.name}`, rule.expr));
    if (problems.length) throw new Error(`Rule expressions name what nothing exports:\n  ${problems.join('\n  ')}`);
  });

  it('define the alerts the runbook covers', () => {
    expect([...new Set(alerts.map((alert) => alert.name))].sort()).toEqual([
      'ClickBacklogGrowing',
      'ClickPipelineLag',
      'ClicksFailing',
      'DbPoolSaturated',
      'EventLoopLagHigh',
      'HighErrorRate',
      'HighLatency',
      'HighMemoryUsage',
      'RedisDown',
      'ReplicaDown',
      'ServiceDown',
    ]);
  });

  it('give every alert a severity (page or ticket), a summary, a description and a runbook section', () => {
    const problems: string[] = [];
    for (const alert of alerts) {
      const where = `${alert.file} alert ${alert.name}`;
      const severity = /^\s*severity:\s*["']?(\w+)["']?\s*$/m.exec(alert.body)?.[1];
      if (severity !== 'page' && severity !== 'ticket') problems.push(`${where}: labels.severity is ${severity ?? 'missing'}, not page or ticket`);
      for (const annotation of ['summary', 'description']) {
        if (!new RegExp(`^\\s*${annotation}:\\s*\\S`, 'm').test(alert.body)) problems.push(`${where}: no annotations.${annotation}`);
      }
      const runbook = /^\s*runbook_url:\s*["']?([^"'\s]+)["']?\s*$/m.exec(alert.body)?.[1];
      const anchor = `#${alert.name.toLowerCase()}`;
      if (runbook !== `${RUNBOOK}${anchor}`) problems.push(`${where}: runbook_url is ${runbook ?? 'missing'}, expected ${RUNBOOK}${anchor}`);
    }
    if (problems.length) throw new Error(`Incomplete alerts:\n  ${problems.join('\n  ')}`);
  });
});

describe('Grafana dashboards (grafana/dashboards/*.json)', () => {
  const queries = dashboardQueries();

  it('have queries', () => {
    expect(queries.length).toBeGreaterThan(10);
  });

  it('only query metrics the service exports, recorded series, or up', () => {
    const problems = queries.flatMap((query) => unknownNames(`${query.file} panel "${query.panel}"`, query.expr));
    if (problems.length) throw new Error(`Dashboard queries name what nothing exports:\n  ${problems.join('\n  ')}`);
  });

  it('filter raw series by the $instance variable, which lists the shortener targets', () => {
    for (const file of readdirSync(DASHBOARDS_DIR).filter((name) => name.endsWith('.json'))) {
      const dashboard = JSON.parse(readFileSync(join(DASHBOARDS_DIR, file), 'utf8')) as {
        templating?: { list?: { name: string; definition?: string }[] };
      };
      const variable = dashboard.templating?.list?.find((entry) => entry.name === 'instance');
      expect(variable?.definition).toBeDefined();
      expect(variable?.definition).toContain('up{job="shortener"}');
      expect(unknownNames(`${file} variable instance`, variableQuery(variable?.definition ?? ''))).toEqual([]);
    }
    const unfiltered = queries
      .filter((query) => [...promqlNames(query.expr).metrics].some((name) => !recorded.has(name)))
      .filter((query) => !query.expr.includes('instance=~"$instance"'))
      .map((query) => `${query.file} panel "${query.panel}": ${query.expr}`);
    expect(unfiltered).toEqual([]);
  });

  it('use the provisioned Prometheus datasource', () => {
    const provisioned = /^\s*uid:\s*(\S+)\s*$/m.exec(
      readFileSync(join(ROOT, 'grafana', 'provisioning', 'datasources', 'prometheus.yml'), 'utf8'),
    )?.[1];
    expect(provisioned).toBe('prometheus');
    const uids = new Set<string | undefined>();
    for (const file of readdirSync(DASHBOARDS_DIR).filter((name) => name.endsWith('.json'))) {
      const walk = (panels: Panel[] | undefined): void => {
        for (const panel of panels ?? []) {
          for (const target of panel.targets ?? []) uids.add(target.datasource?.uid);
          walk(panel.panels);
        }
      };
      walk((JSON.parse(readFileSync(join(DASHBOARDS_DIR, file), 'utf8')) as { panels?: Panel[] }).panels);
    }
    expect([...uids]).toEqual([provisioned]);
  });
});

describe('Alertmanager configurations', () => {
  it('route and inhibit alike in alertmanager.yml and alertmanager.discord.yml (only the receivers differ)', () => {
    const routing = (file: string): string => {
      const text = readFileSync(join(ROOT, 'prometheus', file), 'utf8');
      return text.slice(text.indexOf('\nglobal:'), text.indexOf('\nreceivers:'));
    };
    const main = routing('alertmanager.yml');
    expect(main).toContain('inhibit_rules:');
    expect(routing('alertmanager.discord.yml')).toBe(main);
  });
});

describe('RUNBOOK.md', () => {
  it('has a section for every runbook_url anchor the alerts link to', () => {
    const alerts = readFileSync(join(ROOT, 'prometheus/rules/alerts.yml'), 'utf8');
    const anchors = new Set([...alerts.matchAll(/RUNBOOK\.md#([a-z0-9-]+)/g)].map((m) => m[1]));
    const runbook = readFileSync(join(ROOT, 'RUNBOOK.md'), 'utf8');
    const headings = new Set(
      [...runbook.matchAll(/^## (.+)$/gm)].map((m) => m[1].trim().toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-')),
    );
    expect(anchors.size).toBeGreaterThan(5);
    expect([...anchors].filter((anchor) => !headings.has(anchor))).toEqual([]);
  });
});
