/**
 * The real-process tests' view of the one server harness (dev/harness/): the same start, build rule and
 * log helpers, with the tests' default of the fixture web root instead of the built UI.
 */
import {
  type Running,
  type StartOptions,
  startServer as startBuiltServer,
} from '../../dev/harness/server-process.js'

export { ensureBuilt } from '../../dev/harness/build.js'
export {
  childPids,
  type LogLine,
  parsed,
  type Running,
  servingPids,
  servingPidsOf,
  waitFor200,
  waitForLog,
} from '../../dev/harness/server-process.js'

/** `node dist/server.js` on a free port with `env`, serving the fixture web root unless `env` names one. */
export function startServer(env: Record<string, string>, options: StartOptions = {}): Promise<Running> {
  return startBuiltServer({ WEB_ROOT: 'test/api/fixtures/web', ...env }, options)
}
