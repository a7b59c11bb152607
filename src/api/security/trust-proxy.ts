/**
 * TRUST_PROXY: whether X-Forwarded-For names the client (for rate limits and anything that reports the
 * client's address). Off by default: the client is the TCP peer, and a spoofed X-Forwarded-For is ignored.
 *
 *   TRUST_PROXY=1                      one proxy in front (an ingress controller): the client is the address
 *                                      that proxy appended, the last X-Forwarded-For entry
 *   TRUST_PROXY=10.0.0.0/8,fd00::/8    trust peers in these networks: walk X-Forwarded-For from the right
 *                                      while the address is a trusted proxy; the first other one is the client
 *
 * The walk is proxy-addr's (what Fastify's trustProxy uses); Fastify gets the same `trust` function as its
 * trustProxy option, so request.ip and clientAddress() (for code ahead of Fastify) always agree.
 * `true` (trust every hop) is refused: any client could then name itself.
 */
import type { IncomingMessage } from 'node:http'
import { BlockList, isIP } from 'node:net'
import { ConfigError } from '../../config.js'

/** proxy-addr's signature: is `address`, the `hop`-th from the socket (0 = the peer), a trusted proxy? */
export type TrustFunction = (address: string, hop: number) => boolean

/** Named ranges, as proxy-addr and Express call them. */
const NAMED: Record<string, [string, number, 'ipv4' | 'ipv6'][]> = {
  loopback: [
    ['127.0.0.0', 8, 'ipv4'],
    ['::1', 128, 'ipv6'],
  ],
  linklocal: [
    ['169.254.0.0', 16, 'ipv4'],
    ['fe80::', 10, 'ipv6'],
  ],
  uniquelocal: [
    ['10.0.0.0', 8, 'ipv4'],
    ['172.16.0.0', 12, 'ipv4'],
    ['192.168.0.0', 16, 'ipv4'],
    ['fc00::', 7, 'ipv6'],
  ],
}

const fault = (why: string) =>
  new ConfigError(
    `Invalid configuration: TRUST_PROXY ${why} (expected off, a hop count like 1, or a list of addresses/CIDRs like 10.0.0.0/8,fd00::/8)`,
  )

/** "::ffff:10.1.2.3" (an IPv4 client on a dual-stack socket) is 10.1.2.3. */
function plain(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address
}

/** Parse TRUST_PROXY into a trust function, or undefined when off; throws ConfigError naming it. */
export function parseTrustProxy(text: string): TrustFunction | undefined {
  const value = text.trim().toLowerCase()
  if (value === '' || value === 'off' || value === 'false' || value === '0') return undefined
  if (value === 'true') throw fault('"true" would let any client name itself; give the number of proxies')
  if (/^\d+$/.test(value)) {
    const hops = Number(value)
    if (hops > 32) throw fault(`hop count ${hops} is more than 32`)
    return (_address, hop) => hop < hops
  }
  const list = new BlockList()
  for (const raw of value.split(',')) {
    const entry = raw.trim()
    const named = NAMED[entry]
    if (named !== undefined) {
      for (const [net, prefix, type] of named) list.addSubnet(net, prefix, type)
      continue
    }
    const [address = '', prefixText, extra] = entry.split('/')
    const family = isIP(address)
    const max = family === 4 ? 32 : 128
    const prefix = prefixText === undefined ? max : Number(prefixText)
    if (family === 0 || extra !== undefined || !/^\d{0,3}$/.test(prefixText ?? '') || prefix > max) {
      throw fault(`entry "${entry.slice(0, 100)}" is not an IP address or CIDR`)
    }
    list.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6')
  }
  return (address) => {
    const a = plain(address)
    const family = isIP(a)
    return family !== 0 && list.check(a, family === 4 ? 'ipv4' : 'ipv6')
  }
}

/**
 * The client's address: the socket peer, then X-Forwarded-For from the right while `trust` says the
 * address seen so far is a proxy (proxy-addr's algorithm). Without `trust`, the peer.
 */
export function clientAddress(req: IncomingMessage, trust: TrustFunction | undefined): string {
  const peer = req.socket.remoteAddress ?? ''
  if (trust === undefined) return peer
  const header = req.headers['x-forwarded-for']
  if (header === undefined || header === '') return peer
  const forwarded = (Array.isArray(header) ? header.join(',') : header).split(',')
  let address = peer
  for (let hop = 0; hop < forwarded.length; hop++) {
    if (!trust(address, hop)) return address
    address = (forwarded[forwarded.length - 1 - hop] as string).trim()
  }
  return address
}
