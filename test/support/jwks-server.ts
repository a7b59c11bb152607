/**
 * A local OAuth2 issuer for tests: signing keys generated in the test (jose), their public JWKS served on
 * 127.0.0.1 over real HTTP, tokens signed on demand. `rotate()` replaces the key set; `hang()` makes the
 * endpoint accept connections and never answer (an issuer that is down behind a load balancer).
 */
import { createServer, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { exportJWK, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose'

export const ISSUER = 'https://issuer.test/'
export const AUDIENCE = 'iris-api'

export interface SigningKey {
  kid: string
  privateKey: CryptoKey
  publicJwk: JWK
}

export async function signingKey(kid: string, alg = 'RS256'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true })
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } }
}

export interface TokenOptions {
  claims?: JWTPayload
  /** Seconds from now; negative = already expired. */
  expiresIn?: number
  notBefore?: number
  issuer?: string
  audience?: string
  /** The subject; null = no `sub` claim. */
  sub?: string | null
  alg?: string
}

export class JwksServer {
  fetches = 0
  /** Answer each fetch this many ms late (a slow issuer). */
  delayMs = 0
  private keys: SigningKey[] = []
  private hanging = false
  private readonly held: ServerResponse[] = []
  private server: Server | undefined

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/.well-known/jwks.json`
  }

  async start(keys: SigningKey[]): Promise<void> {
    this.keys = keys
    this.server = createServer((_req, res) => {
      this.fetches++
      if (this.hanging) {
        this.held.push(res)
        return
      }
      const body = JSON.stringify({ keys: this.keys.map((k) => k.publicJwk) })
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' })
        res.end(body)
      }, this.delayMs)
    })
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve))
  }

  rotate(keys: SigningKey[]): void {
    this.keys = keys
  }

  hang(on = true): void {
    this.hanging = on
  }

  async stop(): Promise<void> {
    for (const res of this.held) res.destroy()
    this.server?.closeAllConnections()
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve())
  }
}

export async function token(key: SigningKey, o: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000)
  const jwt = new SignJWT({ ...o.claims })
    .setProtectedHeader({ alg: o.alg ?? (key.publicJwk.alg as string), kid: key.kid, typ: 'JWT' })
    .setIssuer(o.issuer ?? ISSUER)
    .setAudience(o.audience ?? AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + (o.expiresIn ?? 300))
  if (o.sub !== null) jwt.setSubject(o.sub ?? 'client-42')
  if (o.notBefore !== undefined) jwt.setNotBefore(now + o.notBefore)
  return jwt.sign(key.privateKey)
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')

/** An unsigned token (`alg: none`) with valid-looking claims. */
export function unsignedToken(kid: string): string {
  const now = Math.floor(Date.now() / 1000)
  const payload = { iss: ISSUER, aud: AUDIENCE, sub: 'attacker', exp: now + 300, scope: 'predict admin' }
  return `${b64({ alg: 'none', kid, typ: 'JWT' })}.${b64(payload)}.`
}

/** The classic confusion: HS256 "signed" with the issuer's PUBLIC key as the HMAC secret. */
export async function hmacWithPublicKey(key: SigningKey): Promise<string> {
  const now = Math.floor(Date.now() / 1000)
  const secret = new TextEncoder().encode(JSON.stringify(key.publicJwk))
  return new SignJWT({ scope: 'predict admin' })
    .setProtectedHeader({ alg: 'HS256', kid: key.kid, typ: 'JWT' })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject('attacker')
    .setExpirationTime(now + 300)
    .sign(secret)
}
