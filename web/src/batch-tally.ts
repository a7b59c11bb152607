// The running count of a streamed batch: rows answered, how much of the file they cover, and, when the
// file has a label column, how many predictions match it. Pure: the caller passes the clock.
//
// Progress is measured honestly from the answer itself: each answer record carries its input record as
// received, so the input bytes echoed back so far, against the file's size, say how far the server has
// read, predicted and answered. (The echo has no line end; each is counted as one byte, so a CRLF file or
// blank lines make the figure run a little low until the stream ends, when it is exactly 100%.)

export interface TallySnapshot {
  readonly rows: number
  /** Rows with a label (a non-empty label cell). */
  readonly labelled: number
  /** Of those, rows whose prediction equals the label. */
  readonly correct: number
  /** Input bytes echoed back so far. */
  readonly bytes: number
  /** Rows per second since the start; null before any time has passed. */
  readonly rowsPerSecond: number | null
  /** 0..1 of the file covered; null when the file size is unknown or 0. */
  readonly fraction: number | null
}

export interface Tally {
  /** One answered row: its input record's byte count (no line end), its label ('' or null: none), its prediction. */
  add(inputBytes: number, label: string | null, prediction: string): void
  /** The header record counts toward progress too. */
  addBytes(bytes: number): void
  snapshot(nowMs: number, done?: boolean): TallySnapshot
  readonly rows: number
}

export function createTally(fileBytes: number, startMs: number): Tally {
  let rows = 0
  let labelled = 0
  let correct = 0
  let bytes = 0
  return {
    add(inputBytes, label, prediction) {
      rows++
      bytes += inputBytes + 1
      if (label !== null && label !== '') {
        labelled++
        if (label === prediction) correct++
      }
    },
    addBytes(n) {
      bytes += n + 1
    },
    snapshot(nowMs, done = false) {
      const seconds = (nowMs - startMs) / 1000
      const fraction = fileBytes > 0 ? (done ? 1 : Math.min(1, bytes / fileBytes)) : null
      return { rows, labelled, correct, bytes, rowsPerSecond: seconds > 0 ? rows / seconds : null, fraction }
    },
    get rows() {
      return rows
    },
  }
}

/** UTF-8 byte count of `text` up to `end` (without encoding it: this runs once per answered row). */
export function utf8Length(text: string, end = text.length): number {
  let n = end
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x80) continue
    if (c < 0x800) n += 1
    else if (c >= 0xd800 && c < 0xdc00) {
      // A surrogate pair: 2 UTF-16 units, 4 bytes.
      i++
      n += 2
    } else n += 2
  }
  return n
}

const count = new Intl.NumberFormat('en-US')
const oneDecimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1, minimumFractionDigits: 1 })

/** "12,000 rows · 8,512 rows/s · 40%". */
export function progressText(s: TallySnapshot): string {
  const parts = [`${count.format(s.rows)} row${s.rows === 1 ? '' : 's'}`]
  if (s.rowsPerSecond !== null) parts.push(`${count.format(Math.round(s.rowsPerSecond))} rows/s`)
  if (s.fraction !== null) parts.push(`${Math.floor(s.fraction * 100)}%`)
  return parts.join(' · ')
}

/** "Accuracy so far: 95.3% (953 of 1,000 rows match the species column)", or null without labels. */
export function accuracyText(s: TallySnapshot, labelName: string, final = false): string | null {
  if (s.labelled === 0) return null
  const percent = oneDecimal.format((100 * s.correct) / s.labelled)
  const lead = final ? 'Accuracy' : 'Accuracy so far'
  return `${lead}: ${percent}% (${count.format(s.correct)} of ${count.format(s.labelled)} rows match the ${labelName} column)`
}
