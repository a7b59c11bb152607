/**
 * Which cluster worker does what: the primary's bookkeeping, with no processes in it (unit-tested).
 *
 * A worker goes starting (forked) -> loaded (model in, not listening) -> serving (told to listen). A loaded
 * worker serves if fewer than `serving` workers do; otherwise it waits as a warm standby. When a serving
 * worker dies, a standby is told to listen at once: a few milliseconds instead of a fresh process's start-up
 * (~1 s under load, most of it loading code on a busy CPU). Standbys are forked only once the first pool
 * serves (they must not slow start-up), do not listen, take no part in metrics or reloads, and are replaced
 * by fresh ones after a model reload (`reloaded()`), so a standby never brings back an old model.
 */
export interface PoolEvents<W> {
  /** Start a new worker process. */
  fork(): W
  /** Tell a loaded worker to start listening. */
  listen(worker: W): void
  /** Stop a worker that is no longer wanted (a standby holding a replaced model). */
  retire(worker: W): void
}

type State = 'starting' | 'standby' | 'activating' | 'serving'

export interface Exit<W> {
  /** What the worker was doing; 'retired' = stopped on purpose by `retire`. */
  was: State | 'retired' | 'unknown'
  /** The standby now taking its place, if any. */
  takesOver: W | undefined
}

export class WorkerPool<W> {
  private readonly state = new Map<W, State>()
  private readonly generationOf = new Map<W, number>()
  private readonly retired = new Set<W>()
  private generation = 0
  private firstPoolServed = false

  constructor(
    readonly servingTarget: number,
    readonly standbyTarget: number,
    private readonly events: PoolEvents<W>,
  ) {}

  /** Fork the first pool; standbys follow once it serves. */
  start(): void {
    this.topUp()
  }

  /** The worker has its model and waits for orders. */
  loaded(worker: W): void {
    if (this.state.get(worker) !== 'starting') return
    if (this.count('serving') + this.count('activating') < this.servingTarget) {
      this.activate(worker)
    } else if (this.generationOf.get(worker) !== this.generation) {
      // Loaded a file that a reload has since replaced: useless as a standby.
      this.retire(worker)
      this.topUp()
    } else {
      this.state.set(worker, 'standby')
    }
  }

  /** The worker listens. Returns true when this completes the first pool. */
  listening(worker: W): boolean {
    if (this.state.get(worker) !== 'activating') return false
    this.state.set(worker, 'serving')
    if (this.firstPoolServed || this.count('serving') < this.servingTarget) return false
    this.firstPoolServed = true
    this.topUp()
    return true
  }

  /**
   * The worker exited; a standby takes over a serving worker's place. `replace` = false leaves the forking
   * of replacements to a later `topUp()` (the primary slows down when workers keep dying).
   */
  exited(worker: W, replace = true): Exit<W> {
    if (this.retired.delete(worker)) return { was: 'retired', takesOver: undefined }
    const was = this.state.get(worker) ?? 'unknown'
    this.state.delete(worker)
    this.generationOf.delete(worker)
    let takesOver: W | undefined
    if (was === 'serving' || was === 'activating') {
      takesOver = this.first('standby')
      if (takesOver !== undefined) this.activate(takesOver)
    }
    if (replace) this.topUp()
    return { was, takesOver }
  }

  /** A new model now serves: standbys hold the old one, so replace them. */
  reloaded(): void {
    this.generation++
    for (const [w, s] of this.state) if (s === 'standby') this.retire(w)
    this.topUp()
  }

  /** Fork until the pool (and, once it has served, the standbys) are complete. */
  topUp(): void {
    const wanted = this.servingTarget + (this.firstPoolServed ? this.standbyTarget : 0)
    for (let n = this.state.size; n < wanted; n++) {
      const w = this.events.fork()
      this.state.set(w, 'starting')
      this.generationOf.set(w, this.generation)
    }
  }

  /** Workers that listen (the ones whose metrics count). */
  serving(): W[] {
    return [...this.state].filter(([, s]) => s === 'serving').map(([w]) => w)
  }

  isStandby(worker: W): boolean {
    return this.state.get(worker) === 'standby'
  }

  private activate(worker: W): void {
    this.state.set(worker, 'activating')
    this.events.listen(worker)
  }

  private retire(worker: W): void {
    this.state.delete(worker)
    this.generationOf.delete(worker)
    this.retired.add(worker)
    this.events.retire(worker)
  }

  private count(s: State): number {
    let n = 0
    for (const v of this.state.values()) if (v === s) n++
    return n
  }

  private first(s: State): W | undefined {
    for (const [w, v] of this.state) if (v === s) return w
    return undefined
  }
}
