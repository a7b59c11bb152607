/** Where a command writes and reads; tests pass buffers, the real CLI passes the process streams. */
export interface CliIo {
  out(text: string): void
  err(text: string): void
  readStdin(): Promise<string>
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  async readStdin() {
    const chunks: Buffer[] = []
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks).toString('utf8')
  },
}
