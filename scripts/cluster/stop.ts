import {
  API_MARK,
  commandLine,
  isAlive,
  isOurs,
  runningSettings,
  NGINX_MARK,
  paths,
  processesInGroup,
  readPid,
  readState,
  removeFile,
  signal,
  SUPERVISOR_MARK,
  waitFor,
} from './cluster-common.js';

/**
 * `npm run cluster:stop`: asks the supervisor to stop (SIGTERM): it quits nginx gracefully and
 * SIGTERMs the replicas (they drain, finish in-flight requests, flush clicks and exit), bounded,
 * then cleans up. If the supervisor is gone but processes it started are not (it was killed
 * outright), they are stopped directly, found by their process group. Safe when nothing runs.
 */

/** The supervisor needs at most ~10 s for nginx plus ~15 s for the replicas, plus SIGKILL grace. */
const SUPERVISOR_STOP_TIMEOUT_MS = 35_000;
const ORPHAN_STOP_TIMEOUT_MS = 15_000;

async function stopOrphans(pgid: number | null, pidFiles: { pid: number | null; mark: string }[]): Promise<number> {
  const targets = new Map<number, string>();
  // Only what the supervisor starts (replicas, nginx master and workers), in case the pid was reused.
  const ours = (cmdline: string) => cmdline.includes(API_MARK) || /^nginx: /.test(cmdline);
  if (pgid !== null) for (const m of processesInGroup(pgid)) if (ours(m.cmdline)) targets.set(m.pid, m.cmdline);
  for (const { pid, mark } of pidFiles) if (isOurs(pid, mark)) targets.set(pid, commandLine(pid));
  if (targets.size === 0) return 0;
  console.log(`cluster: stopping ${targets.size} process(es) left by a supervisor that is gone: ${[...targets.keys()].join(', ')}`);
  for (const [pid, cmdline] of targets) {
    if (cmdline.includes(API_MARK)) {
      signal(pid, 'SIGTERM');
      signal(pid, 'SIGCONT');
    } else if (cmdline.includes('nginx: master')) {
      signal(pid, 'SIGQUIT');
    }
  }
  const done = await waitFor(() => [...targets.keys()].every((pid) => !isAlive(pid)), ORPHAN_STOP_TIMEOUT_MS, 200);
  if (!done) {
    for (const pid of targets.keys()) if (isAlive(pid)) signal(pid, 'SIGKILL');
    await waitFor(() => [...targets.keys()].every((pid) => !isAlive(pid)), 3_000, 100);
  }
  return targets.size;
}

async function main(): Promise<void> {
  const settings = runningSettings();
  const p = paths(settings.runDir);
  const state = readState(settings.runDir);
  const supervisorPid = readPid(p.supervisorPid) ?? state?.supervisorPid ?? null;
  let acted = false;

  if (isOurs(supervisorPid, SUPERVISOR_MARK)) {
    acted = true;
    console.log(`cluster: stopping the supervisor (pid ${supervisorPid}): nginx, then the replicas, gracefully`);
    signal(supervisorPid, 'SIGTERM');
    const stopped = await waitFor(() => !isAlive(supervisorPid), SUPERVISOR_STOP_TIMEOUT_MS, 200);
    if (!stopped) {
      console.error(`cluster: the supervisor did not stop within ${SUPERVISOR_STOP_TIMEOUT_MS} ms: SIGKILL`);
      signal(supervisorPid, 'SIGKILL');
      await waitFor(() => !isAlive(supervisorPid), 3_000, 100);
    }
  }

  // Whatever is still around: the supervisor was SIGKILLed (now or earlier) or failed to clean up.
  const pidFiles = [
    ...settings.ports.map((_, i) => ({ pid: readPid(p.replicaPid(i + 1)), mark: API_MARK })),
    ...(state?.replicas ?? []).map((r) => ({ pid: r.pid, mark: API_MARK })),
    { pid: readPid(p.nginxPid), mark: NGINX_MARK },
  ];
  if ((await stopOrphans(supervisorPid, pidFiles)) > 0) acted = true;

  for (const file of [p.supervisorPid, p.state, p.nginxPid, p.nginxDir, ...settings.ports.map((_, i) => p.replicaPid(i + 1))]) {
    removeFile(file);
  }
  console.log(acted ? `cluster: stopped (logs kept in ${settings.runDir})` : 'cluster: not running (nothing to stop)');
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`cluster: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
