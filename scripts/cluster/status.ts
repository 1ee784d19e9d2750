import { HOST, httpStatus, isOurs, paths, readPid, readState, readyUrl, runningSettings, SUPERVISOR_MARK } from './cluster-common.js';

/** `node dist/scripts/cluster/status.js`: the supervisor's view plus a live probe of each process. */

async function main(): Promise<number> {
  const settings = runningSettings();
  const supervisorPid = readPid(paths(settings.runDir).supervisorPid);
  const state = readState(settings.runDir);
  if (!isOurs(supervisorPid, SUPERVISOR_MARK) || !state) {
    console.log('cluster: not running');
    return 1;
  }
  console.log(`supervisor pid ${supervisorPid}, phase ${state.phase}, since ${state.startedAt}, run directory ${settings.runDir}`);
  const nginxProbe = await httpStatus(`http://${HOST}:${state.nginx.port}/health`, 2_000);
  const rows = [
    ['name', 'pid', 'port', 'status', 'probe', 'restarts', 'last exit'],
    ...(await Promise.all(
      [state.nginx, ...state.replicas].map(async (s) => {
        const probe = s.index === 0 ? nginxProbe : await httpStatus(readyUrl(s.port), 2_000);
        const exit = s.lastExit ? `${s.lastExit.signal ?? `code ${s.lastExit.code}`} at ${s.lastExit.at}` : '-';
        return [s.name, String(s.pid ?? '-'), String(s.port), s.status, probe ? String(probe) : 'no answer', String(s.restarts), exit];
      }),
    )),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows) console.log(row.map((cell, column) => cell.padEnd(widths[column]!)).join('  '));
  console.log('(probe: GET /health through nginx; GET /health/ready on each replica)');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
