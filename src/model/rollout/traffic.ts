/**
 * Which version answers a prediction during a canary rollout. A client that names itself (X-Client-ID, or
 * its API key's principal) is sticky: the same key always lands on the same side for a given rollout (a
 * hash of key + rollout identity against `weight`); an anonymous request is drawn at random.
 */

/** FNV-1a 32-bit of a string, finished with murmur3's avalanche (so every input bit moves the top bits), in [0, 1). */
export function unitHash(text: string, seed = 0x811c9dc5): number {
  let h = seed
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return (h >>> 0) / 4294967296
}

/** The FNV-1a state after `salt` (no avalanche): a rollout's seed for unitHash, computed once per rollout. */
export function saltSeed(salt: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < salt.length; i++) {
    h ^= salt.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/**
 * True when this request goes to the candidate. `seed` (saltSeed of the rollout's identity) makes a new
 * rollout reshuffle clients instead of always sending the same ones first.
 */
export function toCandidate(
  weight: number,
  clientKey: string | undefined,
  seed: number,
  random: () => number = Math.random,
): boolean {
  if (weight <= 0) return false
  if (weight >= 1) return true
  const u = clientKey === undefined || clientKey === '' ? random() : unitHash(clientKey, seed)
  return u < weight
}
