import type { SopDocumentInput } from '../../engine/index.ts'

/** A document whose lists are present, so tests can change them. */
export type Fixture = SopDocumentInput & Required<Pick<SopDocumentInput, 'steps' | 'transitions' | 'fields'>>

/** A small SOP touching every step kind: task, decision, wait, group, parallel, end. */
export function sampleSop(): Fixture {
  return {
    schema: 'sopflow/v1',
    id: 'sample',
    title: 'Sample complaint',
    department: 'Customer service',
    purpose: 'Handle a complaint about a defective product the same way every time.',
    glossary: [{ term: 'SLA', definition: 'Service level agreement: how fast we must act' }],
    fields: [
      { name: 'customer_name', label: 'Customer name', type: 'text', personal: true },
      {
        name: 'fault',
        label: 'Who is at fault',
        type: 'choice',
        options: [
          { value: 'company', label: 'Company' },
          { value: 'customer', label: 'Customer' },
        ],
      },
      { name: 'amount', label: 'Refund amount', type: 'number' },
    ],
    initial: 'intake',
    steps: [
      {
        id: 'intake',
        kind: 'task',
        title: 'Take the complaint',
        instructions: 'Greet the customer and note the SLA.',
        checklist: [{ id: 'greet', text: 'Greet the customer', required: true }],
        requiredFields: ['customer_name'],
        roles: ['agent'],
        sla: { due: 'PT1H', escalateTo: 'manager' },
      },
      { id: 'investigate', kind: 'group', title: 'Investigate', initial: 'check' },
      {
        id: 'check',
        kind: 'task',
        title: 'Check the product',
        parent: 'investigate',
        requiredFields: ['fault'],
      },
      { id: 'checked', kind: 'end', title: 'Checked', parent: 'investigate' },
      { id: 'route', kind: 'decision', title: 'Who is at fault?' },
      { id: 'fix', kind: 'parallel', title: 'Replace and notify' },
      { id: 'replace', kind: 'group', title: 'Replace', parent: 'fix', initial: 'ship' },
      { id: 'ship', kind: 'task', title: 'Ship a replacement', parent: 'replace' },
      { id: 'shipped', kind: 'end', title: 'Shipped', parent: 'replace' },
      { id: 'notify', kind: 'group', title: 'Notify', parent: 'fix', initial: 'call' },
      { id: 'call', kind: 'task', title: 'Call the customer', parent: 'notify' },
      { id: 'called', kind: 'end', title: 'Called', parent: 'notify' },
      { id: 'explain', kind: 'task', title: 'Explain and offer warranty' },
      { id: 'reply', kind: 'wait', title: 'Wait for the customer' },
      { id: 'manager', kind: 'task', title: 'Manager review', roles: ['supervisor'] },
      { id: 'resolved', kind: 'end', title: 'Resolved', outcome: 'resolved' },
      { id: 'silent', kind: 'end', title: 'No response', outcome: 'no_response' },
      { id: 'escalated', kind: 'end', title: 'Escalated', outcome: 'escalated' },
    ],
    transitions: [
      {
        id: 't_start',
        from: 'intake',
        to: 'investigate',
        action: 'start_investigation',
        label: 'Start investigation',
      },
      {
        id: 't_escalate',
        from: 'intake',
        to: 'manager',
        action: 'escalate',
        label: 'Escalate to manager',
        skipRequirements: true,
      },
      { id: 't_checked', from: 'check', to: 'checked', action: 'done', label: 'Done' },
      { id: 't_inv_done', from: 'investigate', to: 'route' },
      {
        id: 't_company',
        from: 'route',
        to: 'fix',
        guard: 'ticket.fault == "company"',
        effects: [{ type: 'priority', value: 'high' }],
      },
      { id: 't_default', from: 'route', to: 'explain' },
      { id: 't_ship', from: 'ship', to: 'shipped', action: 'ship', label: 'Shipped' },
      { id: 't_call', from: 'call', to: 'called', action: 'call', label: 'Called' },
      { id: 't_fix_done', from: 'fix', to: 'resolved' },
      { id: 't_explain', from: 'explain', to: 'reply', action: 'explained', label: 'Explained' },
      { id: 't_reply', from: 'reply', to: 'resolved', action: 'customer_replied', label: 'Customer replied' },
      { id: 't_timeout', from: 'reply', to: 'silent', after: 'P2D', label: 'No reply in 2 days' },
      {
        id: 't_refund',
        from: 'manager',
        to: 'resolved',
        action: 'approve',
        label: 'Approve',
        guard: 'ticket.amount < 500.0',
      },
      {
        id: 't_mgr_escalate',
        from: 'manager',
        to: 'escalated',
        action: 'escalate_further',
        label: 'Escalate further',
      },
    ],
  }
}
