/**
 * Our own seeded PRNG: xoshiro128** seeded through splitmix32.
 * Only 32-bit integer arithmetic (Math.imul, >>>), so the same seed gives the same
 * numbers on every machine and every JavaScript engine; Math.random is never used.
 */
export class Random {
  private s0: number
  private s1: number
  private s2: number
  private s3: number

  /** seed: any safe integer; the high and low 32 bits both feed the state. */
  constructor(seed: number) {
    let x = (seed >>> 0) ^ Math.imul(Math.floor(seed / 0x100000000) >>> 0, 0x9e3779b1)
    // splitmix32 spreads the seed over 128 bits (an all-zero state would be stuck at zero).
    const next = (): number => {
      x = (x + 0x9e3779b9) | 0
      let z = x
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
      return (z ^ (z >>> 16)) >>> 0
    }
    this.s0 = next()
    this.s1 = next()
    this.s2 = next()
    this.s3 = next()
  }

  /** Uniform integer in [0, 2^32). */
  nextUint32(): number {
    const s1 = this.s1
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0
    const t = s1 << 9
    this.s2 ^= this.s0
    this.s3 ^= s1
    this.s1 ^= this.s2
    this.s0 ^= this.s3
    this.s2 ^= t
    this.s3 = rotl(this.s3, 11)
    return r
  }

  /** Uniform float in [0, 1) with 32 random bits. */
  nextFloat(): number {
    return this.nextUint32() / 0x100000000
  }

  /** Uniform integer in [0, n), without modulo bias (rejection of the top remainder). */
  randInt(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 0x100000000) throw new RangeError(`randInt: bad bound ${n}`)
    const limit = 0x100000000 - (0x100000000 % n)
    let r = this.nextUint32()
    while (r >= limit) r = this.nextUint32()
    return r % n
  }

  /** Uniform integer in [lo, hi). */
  randRange(lo: number, hi: number): number {
    return lo + this.randInt(hi - lo)
  }

  /** Fisher–Yates shuffle in place; returns the same array. */
  shuffle<T extends { length: number; [i: number]: unknown }>(arr: T): T {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = this.randInt(i + 1)
      const tmp = arr[i]
      arr[i] = arr[j]
      arr[j] = tmp
    }
    return arr
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k))
}
