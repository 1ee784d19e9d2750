import {
  API_MARK,
  findNginx,
  httpStatus,
  isOurs,
  runningSettings,
  paths,
  readPid,
  readState,
  readyUrl,
  signal,
  sleep,
  SUPERVISOR_MARK,
  waitFor,
} from './cluster-common.js';
import { reloadNginx, writeUpstreamServers } from './nginx-config.js';

/**
 * Rolling restart of the local cluster, one replica at a time:
 *   1. drain it at nginx: its upstream server line gets `down` and nginx reloads (graceful), so no
 *      new request goes to it - not even a PUT/DELETE, which nginx does not retry elsewhere;
 *   2. SIGTERM it: it fails readiness, stops listening, finishes in-flight requests, flushes
 *      clicks and exits 0; the supervisor starts its successor at once;
 *   3. wait until the successor answers /health/ready, put it back in nginx (reload), settle;
 * then the next. If a replica does not come back in time it stops there (exit 1), with every
 * replica back in nginx. Options: CLUSTER_ROLL_TIMEOUT_MS (60000) per replica,
 * CLUSTER_ROLL_SETTLE_MS (500) between replicas, CLUSTER_ROLL_DRAIN=true to add the nginx steps 1 and 3.
 */

const settings = runningSettings();
const p = paths(settings.runDir);
const TIMEOUT_MS = Number(process.env.CLUSTER_ROLL_TIMEOUT_MS ?? 60_000);
const SETTLE_MS = Number(process.env.CLUSTER_ROLL_SETTLE_MS ?? 500);
const nginxBin = findNginx();
// Off by default: each nginx reload closes idle client keep-alive connections, and a request sent on
// one at that instant is lost. Without it a draining replica's refusals and 503s are retried by
// nginx (GET) or by the client (writes, with their Idempotency-Key).
// Draining the only replica would leave nginx with none: then it is a plain restart.
const DRAIN = process.env.CLUSTER_ROLL_DRAIN === 'true' && settings.ports.length > 1 && nginxBin !== null;

function log(message: string): void {
  console.log(`${new Date().toISOString()} rolling-restart: ${message}`);
}

async function drain(index: number | null): Promise<void> {
  if (!DRAIN) return;
  writeUpstreamServers(settings, new Set(index === null ? [] : [index]));
  await reloadNginx(settings, nginxBin!);
  log(index === null ? 'nginx: every replica in rotation again' : `nginx: replica ${index} out of rotation (down + reload)`);
}

async function restart(index: number): Promise<void> {
  const before = readState(settings.runDir)?.replicas.find((r) => r.index === index);
  if (!before) throw new Error(`replica ${index} is not in state.json`);
  if (before.status !== 'ready' || !isOurs(before.pid, API_MARK)) {
    throw new Error(`replica ${index} is ${before.status} (pid ${before.pid}), not ready: not restarting a cluster that is not healthy`);
  }
  const oldPid = before.pid;
  await drain(index);
  const started = Date.now();
  log(`replica ${index} (pid ${oldPid}, port ${before.port}): SIGTERM`);
  signal(oldPid, 'SIGTERM');
  let newPid: number | null = null;
  const back = await waitFor(
    async () => {
      const now = readState(settings.runDir)?.replicas.find((r) => r.index === index);
      if (!now || now.pid === null || now.pid === oldPid || now.status !== 'ready') return false;
      newPid = now.pid;
      return (await httpStatus(readyUrl(now.port))) === 200;
    },
    TIMEOUT_MS,
    100,
  );
  if (!back) throw new Error(`replica ${index} was not back and ready within ${TIMEOUT_MS} ms (see ${p.replicaLog(index)}, ${p.supervisorLog})`);
  log(`replica ${index} is back (pid ${newPid}), ready ${Date.now() - started} ms after SIGTERM`);
  await drain(null);
}

async function main(): Promise<void> {
  if (!isOurs(readPid(p.supervisorPid), SUPERVISOR_MARK) || readState(settings.runDir)?.phase !== 'running') {
    throw new Error('the cluster is not running (npm run cluster)');
  }
  const count = readState(settings.runDir)!.replicas.length;
  const began = Date.now();
  try {
    for (let index = 1; index <= count; index += 1) {
      await restart(index);
      if (index < count) await sleep(SETTLE_MS);
    }
  } catch (error) {
    await drain(null).catch((reloadError: unknown) => log(`could not put every replica back in nginx: ${String(reloadError)}`));
    throw error;
  }
  log(`all ${count} replicas restarted in ${((Date.now() - began) / 1000).toFixed(1)} s`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`rolling-restart: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
