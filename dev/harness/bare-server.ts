/**
 * The benchmarks' floor: a bare `node:http` cluster that parses the JSON body and answers a fixed
 * prediction, with none of the app's work. `bench/http.ts` compares req/s against it, `bench/http-cpu.ts`
 * CPU per request. `startBareServer` writes it to a temp file and runs it on `port` with `workers` workers.
 */
import { type ChildProcess, type StdioOptions, spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const SOURCE = `
import cluster from 'node:cluster'
import http from 'node:http'
const workers = Number(process.env.WORKERS)
if (cluster.isPrimary) {
  for (let i = 0; i < workers; i++) cluster.fork()
  process.on('SIGTERM', () => { for (const w of Object.values(cluster.workers)) w.process.kill('SIGTERM'); process.exit(0) })
} else {
  const reply = JSON.stringify({ prediction: ['setosa'] })
  http.createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (c) => { body += c })
    req.on('end', () => {
      JSON.parse(body || '{}')
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(reply) })
      res.end(reply)
    })
  }).listen(Number(process.env.PORT), '127.0.0.1')
}
`

export function startBareServer(port: number, workers: number, stdio: StdioOptions = 'ignore'): ChildProcess {
  const file = join(tmpdir(), `iris-bench-bare-server-${process.pid}.mjs`)
  writeFileSync(file, SOURCE)
  const env = { ...process.env, PORT: String(port), HOST: '127.0.0.1', WORKERS: String(workers) }
  return spawn(process.execPath, [file], { env, stdio })
}
