/**
 * A child process for the registry's concurrency tests: `tsx registry-writer.ts <root> <name> <mode> <id> <n>`.
 *  - mode "alias": sets n aliases `w<id>-<k>` on version 1 (each its own locked read-modify-write);
 *  - mode "version": adds n versions, copying the model files of version 1.
 * Prints one JSON line: {"versions": [...]} of the versions it added (mode "version").
 */
import { copyFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Registry } from '../../src/model/registry/index.js'

const [root, name, mode, id, n] = process.argv.slice(2) as [string, string, string, string, string]
const registry = new Registry(root)
const added: string[] = []
for (let k = 0; k < Number(n); k++) {
  if (mode === 'alias') await registry.setAlias(name, `w${id}-${k}`, '1', `writer ${id}`)
  else {
    const from = join(registry.nameDir(name), '1')
    const v = await registry.addVersion(name, async (dir) => {
      await copyFile(join(from, `${name}.json`), join(dir, `${name}.json`))
      await copyFile(join(from, `${name}_metadata.json`), join(dir, `${name}_metadata.json`))
    })
    added.push(v.version)
  }
}
process.stdout.write(`${JSON.stringify({ versions: added })}\n`)
