/**
 * Running scikit-learn (tests in test/sklearn, bench:sklearn, bench:stream): Debian's /usr/bin/python3 with python3-sklearn.
 * Locally a missing scikit-learn skips those tests (with a message); under CI=true it is a failure,
 * because .ci/run installs python3-sklearn and a silent skip would hide a broken CI image.
 */
import { execFile, spawnSync } from 'node:child_process'
import { resolve } from 'node:path'
import { promisify } from 'node:util'

export const PYTHON = process.env.SKLEARN_PYTHON ?? '/usr/bin/python3'
export const ROOT = resolve(import.meta.dirname, '..', '..')
export const EXPORTER = resolve(ROOT, 'scripts', 'export_sklearn.py')
export const FIXTURE = resolve(ROOT, 'scripts', 'sklearn_parity_fixture.py')

const probe = spawnSync(PYTHON, ['-c', 'import sklearn, joblib; print(sklearn.__version__)'], {
  encoding: 'utf8',
})
/** The scikit-learn version, or null when it cannot be imported. */
export const SKLEARN_VERSION: string | null = probe.status === 0 ? probe.stdout.trim() : null
export const SKLEARN_MISSING_REASON = `${PYTHON} cannot import sklearn and joblib (install python3-sklearn)${
  probe.error ? `: ${probe.error.message}` : probe.stderr ? `: ${probe.stderr.trim().split('\n').at(-1)}` : ''
}`
export const IN_CI = process.env.CI === 'true'
/** True when the scikit-learn tests should be skipped: only outside CI. */
export const SKIP_SKLEARN = SKLEARN_VERSION === null && !IN_CI

export interface RunResult {
  code: number
  stdout: string
  stderr: string
}

/** Runs a Python script; resolves with its exit code and output (never rejects on a non-zero exit). */
export async function runPython(args: string[], timeoutMs = 120_000): Promise<RunResult> {
  if (SKLEARN_VERSION === null) throw new Error(SKLEARN_MISSING_REASON)
  try {
    const { stdout, stderr } = await promisify(execFile)(PYTHON, args, {
      timeout: timeoutMs,
      maxBuffer: 16 * 1024 * 1024,
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', OMP_NUM_THREADS: '1' },
    })
    return { code: 0, stdout, stderr }
  } catch (err) {
    const e = err as { code?: unknown; stdout?: string; stderr?: string; message: string }
    if (typeof e.code !== 'number') throw err
    return { code: e.code, stdout: e.stdout ?? '', stderr: e.stderr ?? '' }
  }
}

/** Fails loudly when a run did not succeed, with its stderr in the message. */
export async function runPythonOk(args: string[], timeoutMs?: number): Promise<string> {
  const result = await runPython(args, timeoutMs)
  if (result.code !== 0) throw new Error(`python ${args.join(' ')} exited ${result.code}:\n${result.stderr}`)
  return result.stdout
}

/** Reads a raw little-endian float64 / int32 file written by numpy's tofile. */
export function float64s(bytes: Buffer): Float64Array {
  const copy = new Uint8Array(bytes) // aligned copy
  return new Float64Array(copy.buffer, 0, copy.byteLength / 8)
}
export function int32s(bytes: Buffer): Int32Array {
  const copy = new Uint8Array(bytes)
  return new Int32Array(copy.buffer, 0, copy.byteLength / 4)
}
