import { type Op, tagged } from '../openapi/op.ts'
import { connectionSchemas } from './connections.ts'
import { formSubmission, statusReply } from './forms.ts'
import { inboundSchema } from './webhooksIn.ts'

/** The channel routes in the OpenAPI document. */
export const channelOps: Op[] = [
  ...tagged('Channels', [
    [
      'post',
      '/api/channels/{id}/messages',
      'Inbound message from a chat, SMS, social or IVR gateway (Standard Webhooks)',
      {
        body: inboundSchema,
        notes:
          "No account: the request is signed per the Standard Webhooks specification with the connection's secret (headers `webhook-id`, `webhook-timestamp`, `webhook-signature`). A bad, missing or stale signature is 401 `webhook_signature_invalid` and nothing is written. Idempotent by `messageId`: a retried delivery answers 200 with `duplicate: true` and changes nothing. Messages with the same `conversationId` go to the open ticket of that conversation; otherwise a new ticket opens on the connection's SOP. The answer comes after the message (and its new ticket) committed.",
        responses: {
          '401': "webhook_signature_invalid: the signature does not match the connection's secret",
        },
      },
    ],
    ['get', '/api/channels', 'List connections (mailboxes, forms, webhooks)'],
    [
      'post',
      '/api/channels',
      'Create a connection: where it is reached and the SOP, queue and priority it routes to',
      {
        body: connectionSchemas.create,
        responses: { '409': 'connection_address_taken: another connection uses this address' },
      },
    ],
    ['get', '/api/channels/{id}', 'One connection'],
    [
      'patch',
      '/api/channels/{id}',
      'Change a connection; `rotateSecret` gives a webhook connection a new secret',
      { body: connectionSchemas.update },
    ],
    ['delete', '/api/channels/{id}', 'Remove a connection'],
    ['post', '/api/channels/{id}/test', 'Send a test message through a connection (it opens a ticket)'],
    ['get', '/api/channels/held', 'Messages that opened no ticket (?status=malformed|unrouted|noise)'],
    [
      'get',
      '/api/channels/phone/lookup',
      "Screen pop: a caller's customers by phone number (normalised) and their open tickets",
    ],
    ['get', '/api/tickets/{id}/conversation', "A ticket's messages in and out, with attachments"],
    ['post', '/api/tickets/{id}/conversation', 'Answer the customer (shown on their status page)'],
    ['post', '/api/tickets/{id}/status-links/revoke', "Revoke the customer's status links of a ticket"],
    ['get', '/api/attachments/{id}', 'Download an attachment'],
    ['get', '/api/public/forms/{slug}', 'A public web form (no account)'],
    [
      'post',
      '/api/public/forms/{slug}',
      'Submit a public web form: answers the ticket reference and the status link token',
      {
        body: formSubmission,
        responses: {
          '422': 'submission_refused: the submission was refused',
          '429': 'rate_limited: too many submissions from this address or IP',
        },
      },
    ],
    ['get', '/api/public/status/{token}', "The customer's status page"],
    [
      'post',
      '/api/public/status/{token}/replies',
      "The customer's reply from their status page",
      { body: statusReply },
    ],
  ]),
]
