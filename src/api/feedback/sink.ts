/**
 * Where POST /feedback's labelled rows are kept: appended to the registry's `<name>/feedback.csv`
 * (../../model/registry/feedback-file.ts) by one process per instance. A single process appends itself; a
 * cluster worker installs the sink that sends the lines to the primary (src/server/feedback-cluster.ts).
 */
import { appendFeedback } from '../../model/registry/feedback-file.js'

/** Appends whole CSV lines under `header` to `<nameDir>/feedback.csv`; rejects when they were not kept. */
export type FeedbackSink = (nameDir: string, header: readonly string[], lines: string) => Promise<void>

let sink: FeedbackSink = appendFeedback

/** The process's sink (set once at start-up by a cluster worker). */
export function setFeedbackSink(next: FeedbackSink): void {
  sink = next
}

export function feedbackSink(): FeedbackSink {
  return sink
}
