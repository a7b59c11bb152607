/**
 * scripts/export_sklearn.py run by a Python without scikit-learn, joblib or numpy says what to install, in
 * one line, instead of a traceback. `python3 -S` (no site-packages) stands in for such a Python: the
 * standard library is there, the packages are not.
 */
import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'

describe('export_sklearn.py without its packages', () => {
  it('names the missing packages and the Debian package to install, exit 2, no traceback', () => {
    const r = spawnSync(
      'python3',
      ['-S', 'scripts/export_sklearn.py', 'model.joblib', '--out', '/tmp/none', '--name', 'm'],
      {
        encoding: 'utf8',
      },
    )
    expect(r.status).toBe(2)
    expect(r.stdout).toBe('')
    const lines = r.stderr.trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(
      /^export_sklearn: .* cannot import scikit-learn, joblib, numpy, which the export needs/,
    )
    expect(lines[0]).toContain('sudo apt-get install python3-sklearn')
    expect(r.stderr).not.toMatch(/Traceback/)
  })
})
