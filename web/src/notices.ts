import { el } from './dom.js'

// One visible, screen-reader-announced place for messages. Each message has a key (the panel that raised it)
// so a later success from that panel removes its stale error, and a new error replaces the old one.

export interface NoticeAction {
  label: string
  run: () => void
}

export interface Notices {
  error(key: string, text: string, action?: NoticeAction): void
  info(key: string, text: string): void
  clear(key: string): void
}

export function createNotices(region: HTMLElement): Notices {
  const shown = new Map<string, HTMLElement>()

  function show(key: string, kind: 'error' | 'info', text: string, action?: NoticeAction) {
    const dismiss = el(
      'button',
      { type: 'button', class: 'notice-dismiss', 'aria-label': 'Dismiss message' },
      '×',
    )
    dismiss.addEventListener('click', () => remove(key))
    const actionButton = action
      ? el('button', { type: 'button', class: 'notice-action' }, action.label)
      : null
    actionButton?.addEventListener('click', () => {
      remove(key)
      action?.run()
    })
    // role=alert makes a newly inserted error interrupt the reader; info waits politely (region is aria-live).
    const notice = el(
      'div',
      { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : null, 'data-key': key },
      el('p', { class: 'notice-text' }, text),
      actionButton,
      dismiss,
    )
    const previous = shown.get(key)
    if (previous) previous.replaceWith(notice)
    else region.append(notice)
    shown.set(key, notice)
  }

  function remove(key: string) {
    shown.get(key)?.remove()
    shown.delete(key)
  }

  return {
    error: (key, text, action) => show(key, 'error', text, action),
    info: (key, text) => show(key, 'info', text),
    clear: remove,
  }
}
