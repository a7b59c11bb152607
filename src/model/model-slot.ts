/**
 * The served model, behind one reference: a reload builds and validates the new model elsewhere and then
 * swaps it in with one assignment, so every request sees either the old or the new model, whole.
 * `current` is null until the first model is loaded (/health/ready answers 503 until then).
 * The reloader (./reload.ts) swaps it; the API (src/api) reads it.
 */
import type { PredictionModel } from './types.js'

export class ModelSlot {
  private listeners: ((model: PredictionModel | null) => void)[] = []

  constructor(public current: PredictionModel | null = null) {}

  /** Replace the served model; returns the previous one. */
  swap(next: PredictionModel | null): PredictionModel | null {
    const previous = this.current
    this.current = next
    for (const l of this.listeners) l(next)
    return previous
  }

  onSwap(listener: (model: PredictionModel | null) => void): void {
    this.listeners.push(listener)
  }
}
