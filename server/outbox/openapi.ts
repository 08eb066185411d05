import type { Op } from '../openapi/operations.ts'
import { WEBHOOK_EVENTS } from './outbox.ts'
import { outboxPage, rotateBody, subscriptionBody } from './routes.ts'

/** The outbox and webhook operations, in the shape of server/openapi/document.ts's list. */
export const outboxOps: Op[] = [
  {
    method: 'get',
    path: '/api/outbox',
    summary: 'Outbox messages with their delivery state, and counts by state',
    tag: 'Outbox',
    query: outboxPage,
  },
  { method: 'get', path: '/api/outbox/{id}', summary: 'One outbox message', tag: 'Outbox' },
  {
    method: 'post',
    path: '/api/outbox/{id}/retry',
    summary: 'Queue a failed message again',
    tag: 'Outbox',
    responses: { '409': 'The message has not failed' },
  },
  { method: 'get', path: '/api/webhooks', summary: 'Webhook subscriptions', tag: 'Webhooks' },
  {
    method: 'post',
    path: '/api/webhooks',
    summary: 'Subscribe a URL to ticket events (the answer shows the signing secret once)',
    tag: 'Webhooks',
    body: subscriptionBody,
    responses: { '422': 'The URL is not http(s) or reaches a loopback or private address' },
  },
  {
    method: 'put',
    path: '/api/webhooks/{id}',
    summary: 'Change a subscription',
    tag: 'Webhooks',
    body: subscriptionBody,
  },
  {
    method: 'post',
    path: '/api/webhooks/{id}/rotate',
    summary: 'Rotate the signing secret; the old one also signs during the overlap',
    tag: 'Webhooks',
    body: rotateBody,
  },
  {
    method: 'get',
    path: '/api/webhooks/{id}/deliveries',
    summary: 'The delivery log of a subscription',
    tag: 'Webhooks',
    query: outboxPage,
  },
  {
    method: 'post',
    path: '/api/webhooks/{id}/deliveries/{mid}/resend',
    summary: 'Send a delivery again, as a new message',
    tag: 'Webhooks',
  },
  {
    method: 'get',
    path: '/api/notifications',
    summary: 'My notifications, newest first, with the unread count',
    tag: 'Notifications',
  },
  {
    method: 'post',
    path: '/api/notifications/read',
    summary: 'Mark my notifications read',
    tag: 'Notifications',
  },
  {
    method: 'get',
    path: '/api/notifications/settings',
    summary: 'My notification settings (e-mail address, e-mail on or off)',
    tag: 'Notifications',
  },
  {
    method: 'put',
    path: '/api/notifications/settings',
    summary: 'Change my notification settings',
    tag: 'Notifications',
  },
  {
    method: 'get',
    path: '/api/notifications/stream',
    summary: 'My notifications as they happen (server-sent events)',
    tag: 'Notifications',
  },
]

const eventBody = (type: string) => ({
  type: 'object',
  required: ['type', 'timestamp', 'data'],
  properties: {
    type: { const: type },
    timestamp: { type: 'string', format: 'date-time' },
    data: {
      type: 'object',
      required: ['ticketId', 'sopId', 'sopVersion', 'status', 'steps'],
      properties: {
        ticketId: { type: 'string' },
        sopId: { type: 'string' },
        sopVersion: { type: 'integer' },
        status: { enum: ['open', 'closed'] },
        steps: { type: 'array', items: { type: 'string' } },
      },
      additionalProperties: true,
    },
  },
})

/**
 * The OpenAPI `webhooks` section: what sopflow POSTs to a subscribed URL for each event, with the
 * Standard Webhooks headers (`webhook-id`, `webhook-timestamp`, `webhook-signature`).
 */
export function webhooksSection(): Record<string, unknown> {
  const headers = ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((name) => ({
    name,
    in: 'header',
    required: true,
    schema: { type: 'string' },
  }))
  // What goes to a gateway connection's reply URL (signed with the connection's secret).
  const toCustomer = (type: string, summary: string, extra: Record<string, unknown>) => [
    type,
    {
      post: {
        summary,
        description:
          "Posted to a webhook connection's `settings.replyUrl`, signed per Standard Webhooks with the connection's secret. `to` is the customer's address on the gateway, `conversationId` the conversation the ticket came from.",
        parameters: headers,
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['type', 'timestamp', 'data'],
                properties: {
                  type: { const: type },
                  timestamp: { type: 'string', format: 'date-time' },
                  data: {
                    type: 'object',
                    required: ['ticketId', 'channel', 'text'],
                    properties: {
                      ticketId: { type: 'string' },
                      channel: { type: 'string' },
                      connectionId: { type: 'string' },
                      to: { type: 'string' },
                      conversationId: { type: 'string' },
                      text: { type: 'string' },
                      ...extra,
                    },
                  },
                },
              },
            },
          },
        },
        responses: { '2XX': { description: 'Received; any other answer is retried with backoff' } },
      },
    },
  ]
  return Object.fromEntries([
    toCustomer('ticket.reply', "A reply to the customer, over the ticket's gateway", {
      seq: { type: 'integer' },
      messageId: { type: 'string' },
    }),
    toCustomer('ticket.survey_invitation', 'An invitation to the satisfaction survey, over the gateway', {
      link: { type: 'string', format: 'uri' },
      expiresAt: { type: 'string', format: 'date-time' },
    }),
    ...WEBHOOK_EVENTS.map((type) => [
      type,
      {
        post: {
          summary: `The ${type} event`,
          description:
            'Signed per Standard Webhooks: verify with the subscription secret (e.g. the standardwebhooks library). The same webhook-id comes with every retry: drop duplicates by it.',
          parameters: headers,
          requestBody: { required: true, content: { 'application/json': { schema: eventBody(type) } } },
          responses: { '2XX': { description: 'Received; any other answer is retried with backoff' } },
        },
      },
    ]),
  ])
}
