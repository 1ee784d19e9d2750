import { afterAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings } from '../scripts/cluster/cluster-common.js';
import { renderLocalNginx, testNginxConfig, writeUpstreamServers } from '../scripts/cluster/nginx-config.js';

/** The deployment files are checked with the real tools: Debian's nginx and docker-compose. */
describe('deployment configuration', () => {
  const runDir = mkdtempSync(join(tmpdir(), 'nginx-check-'));
  afterAll(() => rmSync(runDir, { recursive: true, force: true }));
  const settings = loadSettings({ CLUSTER_RUN_DIR: runDir, CLUSTER_PORTS: '4101,4102,4103', CLUSTER_NGINX_PORT: '4180' });

  it('the shared nginx.conf, as the local cluster renders it, passes nginx -t', () => {
    const layout = renderLocalNginx(settings);
    expect(testNginxConfig('nginx', layout)).toBeNull();
    const upstream = readFileSync(layout.upstreamServers, 'utf8');
    expect(upstream).toContain('server 127.0.0.1:4101 max_fails=0;');
  });

  it('a replica drained for a rolling restart is marked down and the config stays valid', () => {
    const layout = renderLocalNginx(settings);
    writeUpstreamServers(settings, new Set([2]));
    expect(readFileSync(layout.upstreamServers, 'utf8')).toContain('server 127.0.0.1:4102 max_fails=0 down;');
    expect(testNginxConfig('nginx', layout)).toBeNull();
  });

  it('nginx.conf keeps the resilience settings the design depends on', () => {
    const conf = readFileSync('deploy/nginx/nginx.conf', 'utf8');
    for (const directive of [
      'least_conn;',
      'keepalive 32;',
      'proxy_next_upstream error timeout http_502 http_503;',
      'proxy_next_upstream_tries 2;',
      'proxy_connect_timeout 1s;',
      'proxy_set_header X-Request-Id $shortener_request_id;',
      'log_format shortener_json escape=json',
    ]) {
      expect(conf).toContain(directive);
    }
    // Only comments may mention it: a directive would let nginx re-send POSTs to a second replica.
    expect(conf.split('\n').filter((line) => !line.trim().startsWith('#')).join('\n')).not.toMatch(/non_idempotent/);
    expect(readFileSync('deploy/nginx/compose/upstream-servers.conf', 'utf8')).toMatch(/server api1:3000 .*resolve;/);
  });

  it('docker-compose.yml is valid for docker-compose', () => {
    expect(() => execFileSync('docker-compose', ['-f', 'docker-compose.yml', 'config', '-q'], { stdio: 'pipe' })).not.toThrow();
    const services = execFileSync('docker-compose', ['-f', 'docker-compose.yml', 'config', '--services'], { encoding: 'utf8' });
    expect(services.trim().split('\n').sort()).toEqual(
      ['alertmanager', 'api1', 'api2', 'api3', 'grafana', 'nginx', 'postgres', 'prometheus', 'redis'],
    );
  });
});
