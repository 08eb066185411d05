/** One guard XState evaluated while choosing a transition, and its result. */
export interface GuardEval {
  /** The transition whose guard it is. */
  id: string
  /** An action guard (roles, then the CEL guard over the fields given with the action) or a CEL guard. */
  action: boolean
  result: boolean
}

/** The evaluations of the transition being chosen now, while one is being recorded. */
let log: GuardEval[] | null = null

/** Notes a guard's result when a transition choice is being recorded; returns the result. */
export function noteGuard(id: string, action: boolean, result: boolean): boolean {
  if (log) log.push({ id, action, result })
  return result
}

/** Runs `step` recording every guard the machine evaluates in it, in order. */
export function recordingGuards<T>(step: () => T): [T, GuardEval[]] {
  const outer = log
  const mine: GuardEval[] = []
  log = mine
  try {
    return [step(), mine]
  } finally {
    log = outer
  }
}
