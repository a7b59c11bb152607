/** Where a command writes and reads; tests pass buffers, the real CLI passes the process streams. */
export interface CliIo {
  out(text: string): void
  err(text: string): void
  readStdin(): Promise<string>
  /** Standard input piece by piece (streaming commands); defaults to readStdin() as one piece. */
  stdinPieces?(): AsyncIterable<Buffer | string>
  /** Like out, resolved once the text is taken (back-pressure for streaming output). */
  write?(text: string): Promise<void>
  /** stderr is a terminal: progress lines are shown there. */
  readonly errIsTty?: boolean
}

export const processIo: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  async readStdin() {
    const chunks: Buffer[] = []
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks).toString('utf8')
  },
  stdinPieces: () => process.stdin,
  write: (text) =>
    new Promise<void>((resolve, reject) => {
      if (process.stdout.write(text)) resolve()
      else {
        const done = (err?: Error) => {
          process.stdout.off('drain', done)
          process.stdout.off('error', done)
          if (err) reject(err)
          else resolve()
        }
        process.stdout.once('drain', done)
        process.stdout.once('error', done)
      }
    }),
  errIsTty: process.stderr.isTTY === true,
}
