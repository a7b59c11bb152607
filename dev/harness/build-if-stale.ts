/** `node --import tsx dev/harness/build-if-stale.ts`: run `npm run build` if the build is stale (./build.ts). */
import { execFileSync } from 'node:child_process'
import { ROOT, staleReason } from './build.js'

if (staleReason(ROOT) !== null) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' })
