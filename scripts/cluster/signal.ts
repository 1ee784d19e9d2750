import { API_MARK, isOurs, NGINX_MARK, paths, readPid, runningSettings, signal } from './cluster-common.js';

/**
 * Chaos drills: `node dist/scripts/cluster/signal.js <signal> <replica index 1..N | nginx>`, e.g.
 * `signal.js SIGKILL 2` (the supervisor restarts it), `signal.js SIGSTOP 1` then `SIGCONT 1`
 * (a hung replica: nginx times it out and retries elsewhere), `signal.js SIGTERM 3` (graceful
 * exit; the supervisor starts a new one). Only a pid whose command line is a replica (or nginx) is
 * signalled, so a stale pid file cannot hit an unrelated process.
 */

const ALLOWED = ['SIGKILL', 'SIGTERM', 'SIGSTOP', 'SIGCONT', 'SIGINT', 'SIGQUIT', 'SIGHUP'] as const;

function usage(message: string): never {
  console.error(`signal: ${message}\nusage: signal.js <${ALLOWED.join('|')}> <replica index 1..N | nginx>`);
  process.exit(2);
}

const [rawSignal, target] = process.argv.slice(2);
if (!rawSignal || !target) usage('two arguments expected');
const name = (rawSignal.toUpperCase().startsWith('SIG') ? rawSignal.toUpperCase() : `SIG${rawSignal.toUpperCase()}`) as NodeJS.Signals;
if (!(ALLOWED as readonly string[]).includes(name)) usage(`unsupported signal ${rawSignal}`);

const settings = runningSettings();
const p = paths(settings.runDir);
let pid: number | null;
let mark: string;
if (target === 'nginx') {
  pid = readPid(p.nginxPid);
  mark = NGINX_MARK;
} else {
  const index = Number(target);
  if (!Number.isInteger(index) || index < 1 || index > settings.ports.length) usage(`no replica ${target}`);
  pid = readPid(p.replicaPid(index));
  mark = API_MARK;
}
if (!isOurs(pid, mark)) {
  console.error(`signal: ${target === 'nginx' ? 'nginx' : `replica ${target}`} is not running`);
  process.exit(1);
}
signal(pid, name);
console.log(`signal: sent ${name} to ${target === 'nginx' ? 'nginx' : `replica ${target}`} (pid ${pid}) at ${new Date().toISOString()}`);
