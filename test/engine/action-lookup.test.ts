import { describe, expect, it } from 'vitest'
import {
  actionTransitions,
  compile,
  leaves,
  qualifies,
  roleAllowed,
  rolesFor,
  type SopDocumentInput,
} from '../../engine/index.ts'

/** Three nested groups, each with its own action, and two top-level tasks whose ids join alike. */
const doc: SopDocumentInput = {
  schema: 'sopflow/v1',
  id: 'lookup',
  title: 'Action lookup',
  department: 'Care',
  purpose: 'Find the actions of the active steps.',
  initial: 'outer',
  steps: [
    { id: 'outer', kind: 'group', title: 'Outer', initial: 'mid' },
    { id: 'mid', kind: 'group', title: 'Mid', parent: 'outer', initial: 'inner' },
    { id: 'inner', kind: 'task', title: 'Inner', parent: 'mid', roles: ['agent'] },
    { id: 'mid_end', kind: 'end', title: 'Mid end', parent: 'mid' },
    { id: 'outer_end', kind: 'end', title: 'Outer end', parent: 'outer' },
    { id: 'a', kind: 'task', title: 'A' },
    { id: 'ab', kind: 'task', title: 'AB' },
    { id: 'bc', kind: 'task', title: 'BC' },
    { id: 'c', kind: 'task', title: 'C' },
    { id: 'done', kind: 'end', title: 'Done', outcome: 'resolved' },
  ],
  transitions: [
    { id: 'inner_go', from: 'inner', to: 'mid_end', action: 'go' },
    { id: 'mid_go', from: 'mid', to: 'outer_end', action: 'go', roles: ['lead'] },
    { id: 'mid_done', from: 'mid', to: 'outer_end' },
    { id: 'outer_go', from: 'outer', to: 'a', action: 'go' },
    { id: 'outer_done', from: 'outer', to: 'a' },
    { id: 'a_go', from: 'a', to: 'ab', action: 'a' },
    { id: 'ab_go', from: 'ab', to: 'bc', action: 'ab' },
    { id: 'bc_go', from: 'bc', to: 'c', action: 'bc' },
    { id: 'c_go', from: 'c', to: 'done', action: 'c' },
  ],
}
const sop = compile(doc)
const ids = (active: string[]) => actionTransitions(sop, active).map((t) => t.id)

describe('the action transitions of active steps', () => {
  it('lists the innermost step’s actions first, whatever order the steps are given in', () => {
    expect(ids(['outer', 'mid', 'inner'])).toEqual(['inner_go', 'mid_go', 'outer_go'])
    expect(ids(['inner', 'outer', 'mid'])).toEqual(['inner_go', 'mid_go', 'outer_go'])
    expect(ids(['mid', 'outer'])).toEqual(['mid_go', 'outer_go'])
  })

  it('leaves out automatic transitions and ids that are no step', () => {
    expect(ids(['nowhere', 'outer', 'elsewhere'])).toEqual(['outer_go'])
    expect(ids(['done'])).toEqual([])
  })

  it('tells apart sets of steps whose ids run together', () => {
    expect(ids(['a', 'bc'])).toEqual(['a_go', 'bc_go'])
    expect(ids(['ab', 'c'])).toEqual(['ab_go', 'c_go'])
    expect(ids(['a', 'bc'])).toEqual(['a_go', 'bc_go'])
  })
})

describe('the leaf steps of a state value', () => {
  it('takes a plain step id as its own leaf', () => {
    expect(leaves('inner')).toEqual(['inner'])
  })

  it('takes a region with no child value as a leaf, in the order of the value', () => {
    expect(leaves({ p: { r1: {}, r2: 'x', r3: { g: 'y' } } })).toEqual(['r1', 'x', 'y'])
  })

  it('finds no leaf in a value that is neither a step id nor an object', () => {
    expect(leaves(null)).toEqual([])
    expect(leaves(undefined)).toEqual([])
    expect(leaves({ a: null })).toEqual(['a'])
  })
})

describe('who may take an action', () => {
  const t = (id: string) => sop.transitions.get(id)!

  it('takes a transition’s own roles, else its step’s, else none', () => {
    expect(rolesFor(sop, t('mid_go'))).toEqual(['lead'])
    expect(rolesFor(sop, t('inner_go'))).toEqual(['agent'])
    expect(rolesFor(sop, t('a_go'))).toEqual([])
  })

  it('lets anyone take an action without roles', () => {
    expect(roleAllowed(sop, t('a_go'), 'customer')).toBe(true)
    expect(roleAllowed(sop, t('inner_go'), 'lead')).toBe(false)
  })

  it('qualifies a role named by its name, or an actor by their built-in or organisation role', () => {
    expect(qualifies(['agent'], 'agent')).toBe(true)
    expect(qualifies(['agent'], 'lead')).toBe(false)
    expect(qualifies(['lead'], { id: 'u1', role: 'agent', roles: ['night', 'lead'] })).toBe(true)
    expect(qualifies(['lead'], { id: 'u1', role: 'lead' })).toBe(true)
    expect(qualifies(['lead'], { id: 'u1', role: 'agent' })).toBe(false)
    expect(qualifies(['lead'], { id: 'u1', role: 'agent', roles: ['night'] })).toBe(false)
  })
})
