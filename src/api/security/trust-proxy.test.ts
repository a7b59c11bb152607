import type { IncomingMessage } from 'node:http'
import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import { clientAddress, parseTrustProxy } from './trust-proxy.js'

const req = (peer: string, xff?: string) =>
  ({
    socket: { remoteAddress: peer },
    headers: xff === undefined ? {} : { 'x-forwarded-for': xff },
  }) as unknown as IncomingMessage

describe('TRUST_PROXY parsing', () => {
  it('is off for off, false, 0 and empty', () => {
    for (const v of ['off', 'false', '0', '', ' OFF ']) expect(parseTrustProxy(v), v).toBeUndefined()
  })

  it('refuses true, hop counts above 32, and entries that are not addresses or CIDRs, naming TRUST_PROXY', () => {
    expect(() => parseTrustProxy('true')).toThrow(/TRUST_PROXY "true" would let any client name itself/)
    expect(() => parseTrustProxy('33')).toThrow(/TRUST_PROXY hop count 33/)
    for (const bad of ['10.0.0.0/33', 'fd00::/129', '10.0.0.1/8/2', 'ingress', '10.0.0.300', '10.0.0.0/x']) {
      expect(() => parseTrustProxy(bad), bad).toThrow(/^Invalid configuration: TRUST_PROXY entry/)
    }
  })

  it('a hop count trusts that many proxies from the socket', () => {
    const trust = parseTrustProxy('2')!
    expect([trust('x', 0), trust('x', 1), trust('x', 2)]).toEqual([true, true, false])
  })

  it('a list trusts its addresses and networks, IPv4-mapped peers included', () => {
    const trust = parseTrustProxy('10.0.0.0/8, 192.168.1.7, fd00::/8, loopback')!
    expect(trust('10.200.3.4', 0)).toBe(true)
    expect(trust('::ffff:10.200.3.4', 0)).toBe(true)
    expect(trust('192.168.1.7', 0)).toBe(true)
    expect(trust('192.168.1.8', 0)).toBe(false)
    expect(trust('fd12::1', 3)).toBe(true)
    expect(trust('127.0.0.1', 0)).toBe(true)
    expect(trust('::1', 0)).toBe(true)
    expect(trust('203.0.113.5', 0)).toBe(false)
    expect(trust('not-an-ip', 0)).toBe(false)
  })
})

describe('clientAddress', () => {
  it('is the peer when off, whatever X-Forwarded-For says', () => {
    expect(clientAddress(req('10.0.0.2', '1.2.3.4'), undefined)).toBe('10.0.0.2')
  })

  it('with one hop, is the entry the proxy appended (the last), not a spoofed one before it', () => {
    const trust = parseTrustProxy('1')
    expect(clientAddress(req('10.0.0.2', '6.6.6.6, 203.0.113.9'), trust)).toBe('203.0.113.9')
    expect(clientAddress(req('10.0.0.2'), trust)).toBe('10.0.0.2')
  })

  it('with a CIDR list, walks left while the address is a trusted proxy', () => {
    const trust = parseTrustProxy('10.0.0.0/8')
    expect(clientAddress(req('10.0.0.2', '6.6.6.6, 203.0.113.9, 10.1.1.1'), trust)).toBe('203.0.113.9')
    // A peer outside the list is the client, whatever it forwards.
    expect(clientAddress(req('198.51.100.1', '6.6.6.6'), trust)).toBe('198.51.100.1')
    // Every hop trusted: the leftmost entry.
    expect(clientAddress(req('10.0.0.2', '10.3.3.3'), trust)).toBe('10.3.3.3')
  })

  it('agrees with Fastify’s request.ip given the same trust function', async () => {
    const cases: [string, string, string | undefined][] = [
      ['1', '10.0.0.2', '6.6.6.6, 203.0.113.9'],
      ['2', '10.0.0.2', '6.6.6.6, 203.0.113.9'],
      ['10.0.0.0/8', '10.0.0.2', '6.6.6.6,203.0.113.9 , 10.1.1.1'],
      ['10.0.0.0/8', '198.51.100.1', '6.6.6.6'],
      ['3', '10.0.0.2', undefined],
      ['fd00::/8,10.0.0.0/8', '10.0.0.2', 'fd00::5, 2001:db8::1'],
    ]
    for (const [setting, peer, xff] of cases) {
      const trust = parseTrustProxy(setting)
      const app = Fastify({ trustProxy: trust! })
      app.get('/', async (request) => request.ip)
      const res = await app.inject({
        url: '/',
        remoteAddress: peer,
        headers: xff === undefined ? {} : { 'x-forwarded-for': xff },
      })
      expect(res.body, `${setting} ${peer} ${xff}`).toBe(clientAddress(req(peer, xff), trust))
      await app.close()
    }
  })
})
