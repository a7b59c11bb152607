import { describe, expect, it } from 'vitest'
import { WorkerPool } from './pool.js'

/** A pool over fake workers (numbers) that records what it was told to do. */
function fakePool(serving: number, standby: number) {
  let next = 0
  const log: string[] = []
  const pool = new WorkerPool<number>(serving, standby, {
    fork: () => {
      const w = ++next
      log.push(`fork ${w}`)
      return w
    },
    listen: (w) => log.push(`listen ${w}`),
    retire: (w) => log.push(`retire ${w}`),
  })
  /** Take and clear what happened since the last call. */
  const took = () => log.splice(0)
  return { pool, took }
}

/** Start a 2+1 pool and bring it to: workers 1, 2 serving, 3 standing by. */
function runningPool() {
  const f = fakePool(2, 1)
  f.pool.start()
  f.pool.loaded(1)
  f.pool.loaded(2)
  f.pool.listening(1)
  f.pool.listening(2)
  f.pool.loaded(3)
  f.took()
  return f
}

describe('WorkerPool', () => {
  it('forks the serving pool first and the standby only once that pool serves', () => {
    const { pool, took } = fakePool(2, 1)
    pool.start()
    expect(took()).toEqual(['fork 1', 'fork 2'])
    pool.loaded(2)
    pool.loaded(1)
    expect(took()).toEqual(['listen 2', 'listen 1'])
    expect(pool.listening(2)).toBe(false)
    expect(took()).toEqual([])
    expect(pool.listening(1)).toBe(true) // the first pool is complete
    expect(took()).toEqual(['fork 3'])
    pool.loaded(3)
    expect(took()).toEqual([]) // kept back: it does not listen
    expect(pool.isStandby(3)).toBe(true)
    expect(pool.serving().sort()).toEqual([1, 2])
  })

  it('a serving worker that dies is replaced by the standby at once, and a new standby is forked', () => {
    const { pool, took } = runningPool()
    expect(pool.exited(1)).toEqual({ was: 'serving', takesOver: 3 })
    expect(took()).toEqual(['listen 3', 'fork 4'])
    pool.listening(3)
    expect(pool.serving()).toEqual([2, 3])
    pool.loaded(4)
    expect(pool.isStandby(4)).toBe(true)
    expect(took()).toEqual([])
  })

  it('without a standby, the replacement listens as soon as it has loaded', () => {
    const { pool, took } = fakePool(2, 0)
    pool.start()
    for (const w of [1, 2]) pool.loaded(w)
    for (const w of [1, 2]) pool.listening(w)
    took()
    expect(pool.exited(2)).toEqual({ was: 'serving', takesOver: undefined })
    expect(took()).toEqual(['fork 3'])
    pool.loaded(3)
    expect(took()).toEqual(['listen 3'])
  })

  it('a dead standby is replaced by another standby; nothing else changes', () => {
    const { pool, took } = runningPool()
    expect(pool.exited(3)).toEqual({ was: 'standby', takesOver: undefined })
    expect(took()).toEqual(['fork 4'])
    pool.loaded(4)
    expect(pool.isStandby(4)).toBe(true)
    expect(pool.serving()).toEqual([1, 2])
  })

  it('replace = false leaves forking to a later topUp (the primary backs off when workers keep dying)', () => {
    const { pool, took } = runningPool()
    pool.exited(1, false)
    expect(took()).toEqual(['listen 3'])
    pool.topUp()
    expect(took()).toEqual(['fork 4'])
  })

  it('a reload retires standbys (they hold the old model) and forks fresh ones; their exit is quiet', () => {
    const { pool, took } = runningPool()
    pool.reloaded()
    expect(took()).toEqual(['retire 3', 'fork 4'])
    expect(pool.exited(3)).toEqual({ was: 'retired', takesOver: undefined })
    expect(took()).toEqual([])
    pool.loaded(4)
    expect(pool.isStandby(4)).toBe(true)
  })

  it('a worker still loading the old model when a reload lands is retired instead of standing by', () => {
    const { pool, took } = runningPool()
    pool.exited(3) // standby died; 4 is forked...
    expect(took()).toEqual(['fork 4'])
    pool.reloaded() // ...and a reload lands while 4 loads the old file
    expect(took()).toEqual([])
    pool.loaded(4)
    expect(took()).toEqual(['retire 4', 'fork 5'])
    pool.loaded(5)
    expect(pool.isStandby(5)).toBe(true)
  })

  it('a stale worker still serves when the pool needs it (the reload relay brings it up to date)', () => {
    const { pool, took } = fakePool(1, 0)
    pool.start()
    pool.reloaded()
    pool.loaded(1)
    expect(took()).toEqual(['fork 1', 'listen 1'])
  })

  it('a death while the standby is being told to listen falls to the next standby', () => {
    const { pool, took } = fakePool(1, 2)
    pool.start()
    pool.loaded(1)
    pool.listening(1)
    pool.loaded(2)
    pool.loaded(3)
    took()
    expect(pool.exited(1).takesOver).toBe(2)
    expect(pool.exited(2)).toEqual({ was: 'activating', takesOver: 3 })
    expect(took()).toEqual(['listen 2', 'fork 4', 'listen 3', 'fork 5'])
  })

  it('ignores messages from workers it does not know or in the wrong state', () => {
    const { pool, took } = runningPool()
    pool.loaded(99)
    expect(pool.listening(99)).toBe(false)
    pool.loaded(1) // already serving
    expect(took()).toEqual([])
    expect(pool.exited(99)).toEqual({ was: 'unknown', takesOver: undefined })
  })
})
