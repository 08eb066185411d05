import type { Op } from '../openapi/operations.ts'
import { connectionSchemas } from './connections.ts'
import { formSubmission, statusReply } from './forms.ts'
import { inboundSchema } from './webhooksIn.ts'

/** The channel routes in the OpenAPI document. */
export const channelOps: Op[] = [
  {
    method: 'post',
    path: '/api/channels/{id}/messages',
    summary: 'Inbound message from a chat, SMS, social or IVR gateway (Standard Webhooks)',
    tag: 'Channels',
    body: inboundSchema,
    notes:
      "No account: the request is signed per the Standard Webhooks specification with the connection's secret (headers `webhook-id`, `webhook-timestamp`, `webhook-signature`). A bad, missing or stale signature is 401 `webhook_signature_invalid` and nothing is written. Idempotent by `messageId`: a retried delivery answers 200 with `duplicate: true` and changes nothing. Messages with the same `conversationId` go to the open ticket of that conversation; otherwise a new ticket opens on the connection's SOP. The answer comes after the message (and its new ticket) committed.",
    responses: { '401': "webhook_signature_invalid: the signature does not match the connection's secret" },
  },
  {
    method: 'get',
    path: '/api/channels',
    summary: 'List connections (mailboxes, forms, webhooks)',
    tag: 'Channels',
  },
  {
    method: 'post',
    path: '/api/channels',
    summary: 'Create a connection: where it is reached and the SOP, queue and priority it routes to',
    tag: 'Channels',
    body: connectionSchemas.create,
    responses: { '409': 'connection_address_taken: another connection uses this address' },
  },
  { method: 'get', path: '/api/channels/{id}', summary: 'One connection', tag: 'Channels' },
  {
    method: 'patch',
    path: '/api/channels/{id}',
    summary: 'Change a connection; `rotateSecret` gives a webhook connection a new secret',
    tag: 'Channels',
    body: connectionSchemas.update,
  },
  {
    method: 'delete',
    path: '/api/channels/{id}',
    summary: 'Remove a connection',
    tag: 'Channels',
  },
  {
    method: 'post',
    path: '/api/channels/{id}/test',
    summary: 'Send a test message through a connection (it opens a ticket)',
    tag: 'Channels',
  },
  {
    method: 'get',
    path: '/api/channels/held',
    summary: 'Messages that opened no ticket (?status=malformed|unrouted|noise)',
    tag: 'Channels',
  },
  {
    method: 'get',
    path: '/api/channels/phone/lookup',
    summary: "Screen pop: a caller's customers by phone number (normalised) and their open tickets",
    tag: 'Channels',
  },
  {
    method: 'get',
    path: '/api/tickets/{id}/conversation',
    summary: "A ticket's messages in and out, with attachments",
    tag: 'Channels',
  },
  {
    method: 'post',
    path: '/api/tickets/{id}/conversation',
    summary: 'Answer the customer (shown on their status page)',
    tag: 'Channels',
  },
  {
    method: 'post',
    path: '/api/tickets/{id}/status-links/revoke',
    summary: "Revoke the customer's status links of a ticket",
    tag: 'Channels',
  },
  { method: 'get', path: '/api/attachments/{id}', summary: 'Download an attachment', tag: 'Channels' },
  {
    method: 'get',
    path: '/api/public/forms/{slug}',
    summary: 'A public web form (no account)',
    tag: 'Channels',
  },
  {
    method: 'post',
    path: '/api/public/forms/{slug}',
    summary: 'Submit a public web form: answers the ticket reference and the status link token',
    tag: 'Channels',
    body: formSubmission,
    responses: {
      '422': 'submission_refused: the submission was refused',
      '429': 'rate_limited: too many submissions from this address or IP',
    },
  },
  {
    method: 'get',
    path: '/api/public/status/{token}',
    summary: "The customer's status page",
    tag: 'Channels',
  },
  {
    method: 'post',
    path: '/api/public/status/{token}/replies',
    summary: "The customer's reply from their status page",
    tag: 'Channels',
    body: statusReply,
  },
]
