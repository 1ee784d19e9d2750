import { spawnSync } from 'node:child_process';
import { copyFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  childPids,
  ensureDir,
  HOST,
  isOurs,
  NGINX_MARK,
  paths,
  readPid,
  removeFile,
  ROOT,
  signal,
  sleep,
  waitFor,
  type ClusterSettings,
} from './cluster-common.js';

/**
 * The local cluster runs deploy/nginx/nginx.conf unchanged: a copy goes into <run>/nginx/ and the
 * three files it includes from env/ (relative to its own directory) are written next to it, with
 * the local upstream servers, the listen address and temp paths inside the run directory.
 */
export const SHARED_NGINX_CONF = join(ROOT, 'deploy', 'nginx', 'nginx.conf');

/** Same failure accounting as the compose servers: see deploy/nginx/compose/upstream-servers.conf. */
const SERVER_PARAMETERS = 'max_fails=0';
const HEADER = '# Written by scripts/cluster for the local cluster; deploy/nginx/nginx.conf includes it.\n';

function safePath(path: string): string {
  if (/["'\\\s;{}$#]/.test(path)) throw new Error(`the run directory path must not contain quotes, spaces, or ; { } $ #: ${path}`);
  return path;
}

export interface NginxLayout {
  dir: string;
  conf: string;
  upstreamServers: string;
  /** Arguments for `nginx`: prefix, config, and the pid file plus `daemon off` (foreground child). */
  args: string[];
  testArgs: string[];
}

export function nginxLayout(settings: ClusterSettings): NginxLayout {
  const p = paths(settings.runDir);
  const dir = p.nginxDir;
  const conf = join(dir, 'nginx.conf');
  const global = `pid ${safePath(p.nginxPid)};`;
  return {
    dir,
    conf,
    upstreamServers: join(dir, 'env', 'upstream-servers.conf'),
    args: ['-p', `${dir}/`, '-c', conf, '-g', `${global} daemon off;`],
    testArgs: ['-t', '-q', '-p', `${dir}/`, '-c', conf, '-g', global],
  };
}

/**
 * The upstream's server lines; replicas in `drained` (1-based) are marked `down`: nginx sends them
 * no new requests (used by the rolling restart around each replica's restart).
 */
export function writeUpstreamServers(settings: ClusterSettings, drained: ReadonlySet<number> = new Set()): void {
  const file = nginxLayout(settings).upstreamServers;
  const lines = settings.ports.map(
    (port, i) => `server ${HOST}:${port} ${SERVER_PARAMETERS}${drained.has(i + 1) ? ' down' : ''};\n`,
  );
  writeFileSync(`${file}.tmp`, HEADER + lines.join(''));
  renameSync(`${file}.tmp`, file);
}

export function renderLocalNginx(settings: ClusterSettings): NginxLayout {
  const layout = nginxLayout(settings);
  removeFile(layout.dir);
  ensureDir(join(layout.dir, 'env'));
  ensureDir(join(layout.dir, 'tmp'));
  copyFileSync(SHARED_NGINX_CONF, layout.conf);
  const temp = (name: string) => safePath(join(layout.dir, 'tmp', name));
  writeFileSync(
    join(layout.dir, 'env', 'http.conf'),
    HEADER +
      `client_body_temp_path ${temp('client_body')};\n` +
      `proxy_temp_path ${temp('proxy')};\n` +
      `fastcgi_temp_path ${temp('fastcgi')};\n` +
      `uwsgi_temp_path ${temp('uwsgi')};\n` +
      `scgi_temp_path ${temp('scgi')};\n`,
  );
  writeUpstreamServers(settings);
  writeFileSync(join(layout.dir, 'env', 'listen.conf'), HEADER + `listen ${HOST}:${settings.nginxPort};\n`);
  return layout;
}

/** `nginx -t` on the rendered configuration: null when valid, else nginx's complaint. */
export function testNginxConfig(nginxBin: string, layout: NginxLayout): string | null {
  // stdout must not be a socket: the config opens /dev/stdout for the access log (ENXIO on sockets).
  const result = spawnSync(nginxBin, layout.testArgs, { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'ignore', 'pipe'] });
  if (result.error) return result.error.message;
  return result.status === 0 ? null : `${result.stderr ?? ''}`.trim() || `nginx -t exited with ${result.status}`;
}

/**
 * Validates the rendered configuration and reloads the running nginx (SIGHUP): new workers with the
 * new configuration take the new connections, old ones finish their requests and exit. Resolves
 * once new workers run and the old ones have been told to quit.
 */
export async function reloadNginx(settings: ClusterSettings, nginxBin: string): Promise<void> {
  const layout = nginxLayout(settings);
  const problem = testNginxConfig(nginxBin, layout);
  if (problem) throw new Error(`nginx -t failed, not reloading:\n${problem}`);
  const master = readPid(paths(settings.runDir).nginxPid);
  if (!isOurs(master, NGINX_MARK)) throw new Error('nginx is not running');
  const before = new Set(childPids(master));
  signal(master, 'SIGHUP');
  const started = await waitFor(() => childPids(master).some((pid) => !before.has(pid)), 5_000, 20);
  if (!started) throw new Error('nginx did not start new workers within 5 s of SIGHUP');
  // The master starts the new workers first, then tells the old ones to stop accepting.
  await sleep(200);
}
