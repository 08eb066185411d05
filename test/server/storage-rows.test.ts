import { describe, expect, it } from 'vitest'
import {
  draftMeta,
  readJson,
  toAudit,
  toCustomer,
  toIdempotency,
  toLogEntry,
  toSurvey,
  toTicket,
  toTimer,
  toToken,
  toTreeHead,
  toUser,
  toVersion,
} from '../../server/storage/rows.ts'

/** How database rows (snake_case columns, JSON as text) become the storage's records. */
describe('storage rows', () => {
  it('names an SOP draft by its title, else its id, else "Untitled SOP", and keeps department and language only when text', () => {
    expect(draftMeta({ title: 'Refunds', id: 'refund', department: 'Billing', language: 'vi' })).toEqual({
      title: 'Refunds',
      department: 'Billing',
      language: 'vi',
    })
    expect(draftMeta({ title: '', id: 'refund' }).title).toBe('refund')
    expect(draftMeta({ title: 7, id: 8, department: 9, language: null })).toEqual({
      title: 'Untitled SOP',
      department: '',
      language: '',
    })
  })

  it('reads a user, with no team and not disabled when the columns are null or absent', () => {
    const row = { id: 'u1', name: 'Ann', role: 'agent', created_at: 'c' }
    expect(toUser({ ...row, team: null })).toEqual({
      id: 'u1',
      name: 'Ann',
      role: 'agent',
      team: null,
      createdAt: 'c',
      disabledAt: null,
    })
    expect(toUser({ ...row, team: 'billing', disabled_at: 'd' })).toMatchObject({
      team: 'billing',
      disabledAt: 'd',
    })
  })

  it('reads a published version with its document parsed and its text as stored', () => {
    const text = '{"id":"s","steps":[]}'
    expect(
      toVersion({ sop_id: 's', version: 2, hash: 'h', document: text, published_at: 'p', published_by: 'u' }),
    ).toEqual({
      sopId: 's',
      version: 2,
      hash: 'h',
      document: { id: 's', steps: [] },
      text,
      publishedAt: 'p',
      publishedBy: 'u',
    })
  })

  it('reads a customer, with null for each contact column left empty', () => {
    const row = { id: 'c1', name: 'Bo', created_at: 'c', updated_at: 'u' }
    expect(toCustomer(row)).toEqual({
      id: 'c1',
      name: 'Bo',
      phone: null,
      email: null,
      address: null,
      segment: null,
      createdAt: 'c',
      updatedAt: 'u',
    })
    expect(toCustomer({ ...row, phone: '+1', email: 'b@x', address: 'A 1', segment: 'vip' })).toMatchObject({
      phone: '+1',
      email: 'b@x',
      address: 'A 1',
      segment: 'vip',
    })
  })

  const ticketRow = {
    id: 't1',
    sop_id: 's',
    sop_version: 3,
    sop_hash: 'h',
    channel: 'email',
    subject: 'Help',
    status: 'open',
    priority: 'high',
    version: 4,
    created_at: 'c',
    updated_at: 'u',
    steps: '["a","b"]',
    state: '{"step":"a"}',
    audit_seq: 5,
  }

  it('reads a ticket, with its steps and state parsed and null for each optional column left empty', () => {
    expect(toTicket(ticketRow)).toEqual({
      id: 't1',
      sopId: 's',
      sopVersion: 3,
      sopHash: 'h',
      channel: 'email',
      customerId: null,
      subject: 'Help',
      status: 'open',
      outcome: null,
      priority: 'high',
      assigneeId: null,
      queue: null,
      version: 4,
      createdAt: 'c',
      updatedAt: 'u',
      closedAt: null,
      dueAt: null,
      steps: ['a', 'b'],
      state: { step: 'a' },
      auditSeq: 5,
      auditHead: null,
      number: null,
    })
    const full = {
      ...ticketRow,
      customer_id: 'c1',
      outcome: 'done',
      assignee_id: 'u1',
      queue: 'billing',
      closed_at: 'x',
      due_at: 'd',
      audit_head: 'ah',
      number: 12,
    }
    expect(toTicket(full)).toMatchObject({
      customerId: 'c1',
      outcome: 'done',
      assigneeId: 'u1',
      queue: 'billing',
      closedAt: 'x',
      dueAt: 'd',
      auditHead: 'ah',
      number: 12,
    })
  })

  it('keeps a JSON column that does not parse as { unreadable: <text> }', () => {
    expect(readJson('{"a":1}')).toEqual({ a: 1 })
    expect(readJson('{broken')).toEqual({ unreadable: '{broken' })
    expect(toTicket({ ...ticketRow, state: 'tampered' }).state).toEqual({ unreadable: 'tampered' })
  })

  it('reads an audit record, with no previous hash or leaf when those are null', () => {
    const row = {
      ticket_id: 't1',
      seq: 1,
      type: 'created',
      at: 'a',
      actor_id: 'u1',
      role: 'agent',
      payload: '{"x":1}',
      hash: 'h',
    }
    expect(toAudit(row)).toEqual({
      ticketId: 't1',
      seq: 1,
      type: 'created',
      at: 'a',
      actorId: 'u1',
      role: 'agent',
      payload: { x: 1 },
      prevHash: null,
      hash: 'h',
      leaf: null,
    })
    expect(toAudit({ ...row, prev_hash: 'p', leaf: 0 })).toMatchObject({ prevHash: 'p', leaf: 0 })
  })

  it('reads a timer, an idempotency row and a survey, with null for their optional columns', () => {
    const timer = { ticket_id: 't1', id: 'w', kind: 'wait', step_id: 's', due_at: 'd' }
    expect(toTimer(timer)).toEqual({
      ticketId: 't1',
      id: 'w',
      kind: 'wait',
      stepId: 's',
      transitionId: null,
      dueAt: 'd',
    })
    expect(toTimer({ ...timer, transition_id: 'tr' }).transitionId).toBe('tr')

    const key = { user_id: 'u', key: 'k', fingerprint: 'f', status: 201, created_at: 'c' }
    expect(toIdempotency(key)).toEqual({
      userId: 'u',
      key: 'k',
      fingerprint: 'f',
      ticketId: null,
      status: 201,
      createdAt: 'c',
    })
    expect(toIdempotency({ ...key, ticket_id: 't1' }).ticketId).toBe('t1')

    const survey = { id: 'v', customer_id: 'c1', at: 'a', created_by: 'u' }
    expect(toSurvey(survey)).toEqual({
      id: 'v',
      customerId: 'c1',
      ticketId: null,
      csat: null,
      nps: null,
      ces: null,
      comment: null,
      at: 'a',
      createdBy: 'u',
    })
    expect(toSurvey({ ...survey, ticket_id: 't1', csat: 5, nps: 9, ces: 2, comment: 'ok' })).toMatchObject({
      ticketId: 't1',
      csat: 5,
      nps: 9,
      ces: 2,
      comment: 'ok',
    })
  })

  it('reads a tree head', () => {
    expect(toTreeHead({ size: 3, root: 'r', timestamp: 't', key_id: 'k', signature: 's' })).toEqual({
      size: 3,
      root: 'r',
      timestamp: 't',
      keyId: 'k',
      signature: 's',
    })
  })

  it('reads a token, its label as its name, scopes parsed, and null for the dates and people left empty', () => {
    const row = {
      id: 'k1',
      user_id: 'u1',
      label: 'CI',
      kind: 'api',
      scopes: '["tickets:read"]',
      created_at: 'c',
    }
    expect(toToken(row)).toEqual({
      id: 'k1',
      userId: 'u1',
      name: 'CI',
      kind: 'api',
      scopes: ['tickets:read'],
      createdBy: null,
      createdAt: 'c',
      expiresAt: null,
      lastUsedAt: null,
      revokedAt: null,
      revokedBy: null,
    })
    expect(
      toToken({
        ...row,
        scopes: null,
        created_by: 'a',
        expires_at: 'e',
        last_used_at: 'l',
        revoked_at: 'r',
        revoked_by: 'b',
      }),
    ).toMatchObject({
      scopes: null,
      createdBy: 'a',
      expiresAt: 'e',
      lastUsedAt: 'l',
      revokedAt: 'r',
      revokedBy: 'b',
    })
  })

  it('reads an admin log entry, with null before or after when those columns are empty', () => {
    const row = {
      seq: 1,
      at: 'a',
      actor_id: 'u1',
      actor_role: 'admin',
      action: 'user.role',
      target_type: 'user',
      target_id: 'u2',
      before: '{"role":"agent"}',
      after: null,
    }
    expect(toLogEntry(row)).toEqual({
      seq: 1,
      at: 'a',
      actorId: 'u1',
      actorRole: 'admin',
      action: 'user.role',
      targetType: 'user',
      targetId: 'u2',
      before: { role: 'agent' },
      after: null,
    })
  })
})
