/**
 * HTTP/1.1 over a raw TCP socket: the request target is sent exactly as given (percent-escapes, the
 * absolute form `http://host/path`, a `#fragment`), which no URL-normalising client (fetch, http.request)
 * would do. For tests of what the server decides from the request line.
 */
import { connect } from 'node:net'

export interface RawReply {
  status: number
  headers: Record<string, string>
  body: string
}

export function rawRequest(
  port: number,
  method: string,
  target: string,
  headers: Record<string, string> = {},
  body = '',
): Promise<RawReply> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    const chunks: Buffer[] = []
    socket.on('data', (d: Buffer) => chunks.push(d))
    socket.on('error', reject)
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      const split = text.indexOf('\r\n\r\n')
      const head = split < 0 ? text : text.slice(0, split)
      const [statusLine = '', ...lines] = head.split('\r\n')
      const parsed: Record<string, string> = {}
      for (const line of lines) {
        const colon = line.indexOf(':')
        if (colon > 0) parsed[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
      }
      const status = Number(statusLine.split(' ')[1])
      if (!Number.isInteger(status)) {
        reject(new Error(`no HTTP status line in reply to ${method} ${target}: ${text.slice(0, 100)}`))
        return
      }
      resolve({ status, headers: parsed, body: split < 0 ? '' : text.slice(split + 4) })
    })
    const lines = [`${method} ${target} HTTP/1.1`, 'Host: 127.0.0.1', 'Connection: close']
    for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`)
    if (body !== '' || method === 'POST') {
      lines.push('Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`)
    }
    socket.write(`${lines.join('\r\n')}\r\n\r\n${body}`)
  })
}

/**
 * The forms of one path a router may map to the same route, or that a naive URL check may miss: each
 * character percent-encoded in turn (upper- and lower-case hex), the absolute form, a fragment, a query,
 * a doubled and a trailing slash, mixed case.
 */
export function urlForms(path: string): { name: string; target: string }[] {
  const forms = [{ name: 'plain', target: path }]
  for (let i = 1; i < path.length; i++) {
    const c = path[i]!
    if (c === '/') continue
    const hex = c.charCodeAt(0).toString(16).padStart(2, '0')
    forms.push({
      name: `%${hex.toUpperCase()} at ${i}`,
      target: `${path.slice(0, i)}%${hex.toUpperCase()}${path.slice(i + 1)}`,
    })
    if (hex !== hex.toUpperCase()) {
      forms.push({ name: `%${hex} at ${i}`, target: `${path.slice(0, i)}%${hex}${path.slice(i + 1)}` })
    }
  }
  const segments = path.split('/')
  const mixed = segments.map((s, i) => (i === 1 ? s.charAt(0).toUpperCase() + s.slice(1) : s)).join('/')
  forms.push(
    { name: 'all encoded', target: path.replace(/[a-z]/g, (c) => `%${c.charCodeAt(0).toString(16)}`) },
    { name: 'absolute form', target: `http://x${path}` },
    {
      name: 'absolute form, encoded',
      target: `http://x${path.slice(0, 1)}%${path.charCodeAt(1).toString(16)}${path.slice(2)}`,
    },
    { name: 'fragment', target: `${path}#frag` },
    { name: 'query', target: `${path}?q` },
    { name: 'query + fragment', target: `${path}?q=1#x` },
    { name: 'double slash', target: `/${path}` },
    { name: 'inner double slash', target: path.replace(/\/(?=[^/]*$)/, '//') },
    { name: 'trailing slash', target: `${path}/` },
    { name: 'mixed case', target: mixed },
    { name: 'upper case', target: path.toUpperCase() },
  )
  return forms
}
