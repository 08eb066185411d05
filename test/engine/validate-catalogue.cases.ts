import type { Fixture } from './fixtures.ts'

const step = (d: Fixture, id: string) => d.steps.find((s) => s.id === id)!
const transition = (d: Fixture, id: string) => d.transitions.find((t) => t.id === id)!

/** One broken sample document per problem of a document's content (not of its shape). */
export const CASES: [string, (d: Fixture) => void][] = [
  [
    'a policy escalating to a missing step, by channel without a channel field, in business time without a calendar',
    (d) => {
      d.policy = {
        targets: [
          { metric: 'first_reply', due: 'PT1H', escalateTo: 'ghost', channels: ['email'], time: 'business' },
        ],
      } as Fixture['policy']
    },
  ],
  [
    'a reply on a closed ticket reopening at a missing step',
    (d) => {
      d.closedReply = { mode: 'reopen', step: 'ghost' }
    },
  ],
  [
    'a reply on a closed ticket reopening at an end step',
    (d) => {
      d.closedReply = { mode: 'reopen', step: 'resolved' }
    },
  ],
  [
    'an SLA and a delay in business time without a calendar',
    (d) => {
      step(d, 'intake').sla = { due: 'PT1H', escalateTo: 'manager', time: 'business' }
      transition(d, 't_timeout').time = 'business'
    },
  ],
  [
    'duplicate step, transition, field and checklist ids, a choice without options, a term twice',
    (d) => {
      d.steps.push({ ...step(d, 'explain') })
      d.transitions.push({ ...transition(d, 't_call') })
      d.fields.push({ name: 'amount', label: 'Again', type: 'number' })
      d.fields.push({ name: 'colour', label: 'Colour', type: 'choice', options: [] })
      d.glossary = [
        { term: 'SLA', definition: 'a' },
        { term: 'sla', definition: 'b' },
      ]
      step(d, 'intake').checklist?.push({ id: 'greet', text: 'Again', required: false })
    },
  ],
  [
    'a step inside a missing step, inside a task, directly inside a parallel step',
    (d) => {
      d.steps.push({ id: 'lost', kind: 'task', title: 'Lost', parent: 'ghost' })
      d.steps.push({ id: 'inner', kind: 'task', title: 'Inner', parent: 'explain' })
      d.steps.push({ id: 'loose', kind: 'task', title: 'Loose', parent: 'fix' })
    },
  ],
  [
    'a step nested inside itself',
    (d) => {
      step(d, 'investigate').parent = 'replace'
      step(d, 'replace').parent = 'investigate'
    },
  ],
  [
    'an initial step that does not exist',
    (d) => {
      d.initial = 'ghost'
    },
  ],
  [
    'an initial step inside a group',
    (d) => {
      d.initial = 'check'
    },
  ],
  [
    'an empty group, a group without an initial step, one starting outside itself',
    (d) => {
      d.steps.push({ id: 'hollow', kind: 'group', title: 'Hollow' })
      delete step(d, 'notify').initial
      step(d, 'replace').initial = 'call'
    },
  ],
  [
    'a parallel step with one region, one with none, an initial on a task',
    (d) => {
      d.steps = d.steps.filter((s) => s.id !== 'notify' && s.parent !== 'notify')
      d.transitions = d.transitions.filter((t) => t.from !== 'call')
      d.steps.push({ id: 'nothing', kind: 'parallel', title: 'Nothing' })
      step(d, 'explain').initial = 'reply'
    },
  ],
  [
    'an end step without outcome, a required field that does not exist',
    (d) => {
      delete step(d, 'silent').outcome
      step(d, 'explain').requiredFields = ['ghost_field']
    },
  ],
  [
    'an SLA escalating to a missing step, to a step without roles, and one with no owner',
    (d) => {
      step(d, 'intake').sla = { due: 'PT1H', escalateTo: 'ghost' }
      step(d, 'explain').sla = { due: 'PT1H', escalateTo: 'reply' }
      step(d, 'call').sla = { due: 'PT1H' }
    },
  ],
  [
    'guards: empty, unknown field, type error, unknown option, field never set',
    (d) => {
      d.fields.push({ name: 'vip', label: 'VIP', type: 'boolean' })
      transition(d, 't_company').guard = 'ticket.fault == "nobody" || ticket.vip'
      transition(d, 't_refund').guard = ' '
      transition(d, 't_mgr_escalate').guard = 'ticket.ghost > 1'
      transition(d, 't_reply').guard = 'ticket.amount + "x"'
      transition(d, 't_ship').guard = '"other" != ticket.fault || ticket.fault in ["company", "elsewhere"]'
    },
  ],
  [
    'transitions from and to missing steps, with an action and a delay, out of an end step',
    (d) => {
      d.transitions.push({ id: 't_lost', from: 'ghost', to: 'nowhere' })
      d.transitions.push({
        id: 't_both',
        from: 'explain',
        to: 'resolved',
        action: 'both',
        label: 'Both',
        after: 'PT1H',
      })
      d.transitions.push({
        id: 't_after_end',
        from: 'resolved',
        to: 'silent',
        action: 'again',
        label: 'Again',
      })
    },
  ],
  [
    'a task left automatically, a decision left by an action, effects on a missing field and of the wrong type',
    (d) => {
      d.transitions.push({ id: 't_auto', from: 'ship', to: 'shipped' })
      d.transitions.push({ id: 't_act', from: 'route', to: 'explain', action: 'pick', label: 'Pick' })
      transition(d, 't_call').effects = [
        { type: 'set', field: 'ghost', value: 1 },
        { type: 'set', field: 'amount', value: 'many' },
      ]
    },
  ],
  [
    'a decision with no branches, with no default, with two defaults',
    (d) => {
      d.steps.push({ id: 'bare', kind: 'decision', title: 'Bare' })
      d.transitions.push({ id: 't_to_bare', from: 'call', to: 'bare', action: 'bare', label: 'Bare' })
      transition(d, 't_default').guard = 'ticket.fault == "customer"'
      d.steps.push({ id: 'twice', kind: 'decision', title: 'Twice' })
      d.transitions.push({ id: 't_to_twice', from: 'ship', to: 'twice', action: 'twice', label: 'Twice' })
      d.transitions.push({ id: 't_tw1', from: 'twice', to: 'resolved' })
      d.transitions.push({ id: 't_tw2', from: 'twice', to: 'silent' })
    },
  ],
  [
    'a wait without a timeout, a task with no way out, containers that cannot finish or cannot go on',
    (d) => {
      d.transitions = d.transitions.filter(
        (t) => t.id !== 't_timeout' && t.id !== 't_explain' && t.id !== 't_inv_done',
      )
      d.steps = d.steps.filter((s) => s.id !== 'checked')
      d.transitions = d.transitions.filter((t) => t.to !== 'checked')
      d.transitions.push({ id: 't_inv_done', from: 'investigate', to: 'route' })
      d.steps.push({ id: 'box', kind: 'group', title: 'Box', initial: 'box_end' })
      d.steps.push({ id: 'box_end', kind: 'end', title: 'Box end', parent: 'box' })
      d.transitions.push({ id: 't_to_box', from: 'ship', to: 'box', action: 'box', label: 'Box' })
    },
  ],
]
