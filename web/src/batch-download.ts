// The batch result as a file: its name (after the served model), the Blob it is built in, and the click
// that offers it.

const MAX_NAME = 80

/**
 * "<model>-predictions.csv" ("-partial" before ".csv" when the batch stopped early). The model's name is
 * kept to letters, digits, dots, dashes and underscores (anything else becomes one dash), so it is a
 * safe file name on every system; "model" when the server did not say.
 */
export function resultFileName(modelName: string | null, partial = false): string {
  const safe = (modelName ?? '')
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[.-]+|[.-]+$/g, '')
    .slice(0, MAX_NAME)
    .replace(/[.-]+$/, '')
  return `${safe || 'model'}-predictions${partial ? '-partial' : ''}.csv`
}

/** Text is moved into the Blob once this many characters wait in JS strings. */
export const COMPACT_CHARS = 4 << 20

export interface BlobBuilder {
  append(text: string): void
  /** Everything appended so far, as one Blob (the builder can go on). */
  blob(): Blob
  /** Characters appended so far. */
  readonly length: number
}

/**
 * Collects a result of any size for download without holding it as one JS string: text waits in a short
 * list of parts, and every few MB it is folded into a Blob (`new Blob([blob, ...parts])`). A Blob made of
 * Blobs refers to their data instead of copying it, and Chromium keeps Blob data outside the JS heap (on
 * disk when large), so a 1 GB answer costs the page a few MB of strings at any time, not 2 GB of UTF-16.
 */
export function createBlobBuilder(type = 'text/csv'): BlobBuilder {
  let blob = new Blob([], { type })
  let parts: string[] = []
  let pending = 0
  let length = 0
  const compact = () => {
    if (parts.length === 0) return
    blob = new Blob([blob, ...parts], { type })
    parts = []
    pending = 0
  }
  return {
    append(text) {
      if (text === '') return
      parts.push(text)
      pending += text.length
      length += text.length
      if (pending >= COMPACT_CHARS) compact()
    },
    blob() {
      compact()
      return blob
    },
    get length() {
      return length
    },
  }
}

/** Offers the Blob as a download named `name` (a click on a temporary link to an object URL). */
export function offerDownload(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = name
  document.body.append(link)
  link.click()
  link.remove()
  // The download has taken its own reference by the time the click returns; the URL can go soon after.
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}
