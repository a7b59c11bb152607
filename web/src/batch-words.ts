import { faultText } from './batch-answer.js'
import type { StreamEnd } from './batch-stream.js'

// What the batch panel says when a streamed file has ended: done, stopped at a bad line, refused, denied
// (no key, or a key without the scope), broken or cancelled, and whether the rows answered so far are in a
// partial download.

const count = new Intl.NumberFormat('en-US')

export function endText(end: StreamEnd, fileName: string, rows: number): string {
  const answered = `${count.format(rows)} row${rows === 1 ? '' : 's'}`
  const kept = rows > 0 ? ` The ${answered} answered before it are in the partial download.` : ''
  switch (end.kind) {
    case 'done':
      return `${answered} predicted, all of ${fileName}.`
    case 'stopped':
      return `The API stopped at a bad line of ${fileName}: ${faultText(end.fault)}.${kept}`
    case 'refused':
      return `The API refused ${fileName} (HTTP ${end.status}): ${end.message}${kept ? `.${kept}` : ''}`
    case 'denied':
    case 'broken':
      return `${end.message}${kept}`
    case 'cancelled':
      return `Cancelled after ${answered}.${kept}`
  }
}
