import { describe, expect, it } from 'vitest'
import { validate } from '../../engine/index.ts'
import { example } from '../server/helpers.ts'

describe('service targets and wait kinds in an SOP document', () => {
  it('keeps valid targets and wait kinds', () => {
    const doc = { ...example('support-ticket'), targets: { frt: 'PT15M', fcr: 0.7, nps: 30, ces: 3 } }
    const r = validate(doc)
    expect(r.valid).toBe(true)
    expect(r.document?.targets).toEqual({ frt: 'PT15M', fcr: 0.7, nps: 30, ces: 3 })
    expect(r.document?.steps.find((s) => s.id === 'wait_customer')?.waitKind).toBe('customer')
  })

  it('names what is wrong in bad targets and wait kinds', () => {
    const doc = example('support-ticket')
    doc.targets = { frt: '15 minutes', fcr: 1.5, speed: 1 }
    doc.steps.find((s: { id: string }) => s.id === 'wait_customer').waitKind = 'courier'
    const r = validate(doc)
    expect(r.valid).toBe(false)
    const messages = r.diagnostics.map((d) => d.message)
    expect(messages).toEqual(
      expect.arrayContaining([
        'targets.frt: must be an ISO-8601 duration such as PT2H or P1D',
        expect.stringMatching(/^targets\.fcr: /),
        expect.stringMatching(/^targets: Unrecognized key: "speed"/),
      ]),
    )
    const wait = r.diagnostics.find((d) => d.path?.endsWith('waitKind'))
    expect(wait).toMatchObject({ stepId: 'wait_customer' })
  })
})
