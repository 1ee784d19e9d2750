#!/usr/bin/env bash
# Checks the monitoring configuration with the Prometheus and Alertmanager tools:
#   promtool check config   prometheus/prometheus.yml, prometheus/prometheus.local.yml
#                           (their rule_files, rules/*.yml, resolve relative to the config file)
#   promtool check rules    prometheus/rules/*.yml
#   promtool test rules     prometheus/tests/*.yml   (alert unit tests, ~20 s: 3-day SLO windows)
#   promtool check rules    on the queries of grafana/dashboards/*.json (PromQL syntax; needs node)
#   amtool check-config     prometheus/alertmanager.yml and prometheus/alertmanager.discord.yml
#   amtool config routes test  severity=page -> discord-page, severity=ticket -> discord-ticket
#   no Discord webhook URL (a secret) in prometheus/ or grafana/ outside the git-ignored secrets/
# Prints one line per check and the output of the failed ones; exits 1 if any check failed.
# Needs promtool and amtool on PATH (Debian: prometheus, prometheus-alertmanager).
# Usage: scripts/check-monitoring.sh   (from any directory)
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2

for tool in promtool amtool node; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "check-monitoring: $tool not found on PATH (apt-get install prometheus prometheus-alertmanager)" >&2
    exit 2
  fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

passed=0
failed=0
notes=()

# check NAME COMMAND...: runs the command, prints "ok NAME" or "FAIL NAME" and its output.
check() {
  local name=$1
  shift
  if "$@" >"$tmp/out" 2>&1; then
    passed=$((passed + 1))
    printf 'ok    %s\n' "$name"
  else
    fail "$name" "$tmp/out"
  fi
}

# fail NAME FILE: records a failed check whose output is in FILE.
fail() {
  failed=$((failed + 1))
  printf 'FAIL  %s\n' "$1"
  sed 's/^/      /' "$2"
}

# routes_ok CONFIG: page and ticket alerts reach their receivers.
routes_ok() {
  amtool config routes test --config.file="$1" --verify.receivers=discord-page severity=page alertname=ServiceDown &&
    amtool config routes test --config.file="$1" --verify.receivers=discord-ticket severity=ticket alertname=RedisDown &&
    amtool config routes test --config.file="$1" --verify.receivers=discord-ticket alertname=NoSeverity
}

# dashboards_parse: every grafana/dashboards/*.json query is valid PromQL (Grafana variables replaced),
# checked by promtool as the expressions of a throw-away rule file.
dashboards_parse() {
  node --input-type=module -e '
    import { readdirSync, readFileSync } from "node:fs";
    const lines = ["groups:", "  - name: dashboards", "    rules:"];
    let n = 0;
    const walk = (panels, file) => {
      for (const panel of panels ?? []) {
        for (const target of panel.targets ?? []) {
          if (target.expr === undefined) continue;
          const expr = target.expr.replace(/\$\{?__\w+\}?/g, "1m").replace(/\$\{?\w+\}?/g, ".+");
          lines.push(`      - record: dashboard:query${++n}`, `        expr: ${JSON.stringify(expr)}`);
          lines.push(`        labels: {panel: ${JSON.stringify(file + ": " + (panel.title ?? ""))}}`);
        }
        walk(panel.panels, file);
      }
    };
    for (const file of readdirSync("grafana/dashboards").filter((f) => f.endsWith(".json"))) {
      walk(JSON.parse(readFileSync(`grafana/dashboards/${file}`, "utf8")).panels, file);
    }
    process.stdout.write(lines.join("\n") + "\n");
  ' >"$tmp/dashboards.rules.yml" && promtool check rules "$tmp/dashboards.rules.yml"
}

# no_webhook_secrets: a Discord webhook URL with its token must never be committed.
no_webhook_secrets() {
  if grep -rlIE --exclude-dir=secrets 'discord(app)?\.com/api/webhooks/[0-9]+/[A-Za-z0-9_-]{20,}' prometheus grafana; then
    echo "a Discord webhook URL (secret) is written in the files above (not shown): move it to prometheus/secrets/"
    return 1
  fi
}

shopt -s nullglob
rules=(prometheus/rules/*.yml)
tests=(prometheus/tests/*.yml)
if [ ${#rules[@]} -eq 0 ] || [ ${#tests[@]} -eq 0 ]; then
  echo "check-monitoring: no rule files or no rule tests found under prometheus/" >&2
  exit 1
fi

check "promtool check config prometheus/prometheus.yml" promtool check config prometheus/prometheus.yml
check "promtool check config prometheus/prometheus.local.yml" promtool check config prometheus/prometheus.local.yml
check "promtool check rules (${#rules[@]} files)" promtool check rules "${rules[@]}"
check "promtool test rules (${#tests[@]} files)" promtool test rules "${tests[@]}"
check "promtool: grafana/dashboards/*.json queries parse" dashboards_parse

# The secret files need not exist for check-config (it does not read them).
check "amtool check-config prometheus/alertmanager.yml" amtool check-config prometheus/alertmanager.yml
check "amtool routes prometheus/alertmanager.yml" routes_ok prometheus/alertmanager.yml

# Native Discord receiver (Alertmanager 0.28+). An older amtool does not know webhook_url_file:
# check a copy that names the URL inline (a dummy) instead, which checks everything but that field.
discord=prometheus/alertmanager.discord.yml
if amtool check-config "$discord" >"$tmp/discord.out" 2>&1; then
  check "amtool check-config $discord" true
  check "amtool routes $discord" routes_ok "$discord"
elif grep -q 'webhook_url_file not found' "$tmp/discord.out"; then
  sed -E 's#webhook_url_file: *[^ ]+#webhook_url: https://discord.invalid/api/webhooks/0/check-only#' "$discord" >"$tmp/alertmanager.discord.yml"
  check "amtool check-config $discord (copy with an inline dummy URL)" amtool check-config "$tmp/alertmanager.discord.yml"
  check "amtool routes $discord" routes_ok "$tmp/alertmanager.discord.yml"
  notes+=("$(amtool --version 2>&1 | head -n 1 | sed -E 's/ \(.*//') does not know discord_configs.webhook_url_file (0.28+): $discord was checked with the field replaced")
else
  fail "amtool check-config $discord" "$tmp/discord.out"
fi

check "no Discord webhook URL outside prometheus/secrets/" no_webhook_secrets

for note in "${notes[@]}"; do
  printf 'note  %s\n' "$note"
done
echo "check-monitoring: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
