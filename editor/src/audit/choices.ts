import type { Channel, Outcome } from '../../../engine/document.ts'

/** The engine's channels and outcomes (typed against it, without loading the schema into the page). */
export const CHANNELS: readonly Channel[] = [
  'phone',
  'email',
  'chat',
  'web',
  'social',
  'walk-in',
  'ivr',
  'sms',
]
export const OUTCOMES: readonly Outcome[] = [
  'resolved',
  'escalated',
  'cancelled',
  'no_response',
  'transferred',
  'sold',
  'lost',
]
