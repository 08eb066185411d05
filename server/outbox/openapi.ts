import { type Op, tagged } from '../openapi/op.ts'
import { WEBHOOK_EVENTS } from './outbox.ts'
import { outboxPage, rotateBody, subscriptionBody } from './routes.ts'

/** The outbox and webhook operations, in the shape of server/openapi/document.ts's list. */
export const outboxOps: Op[] = [
  ...tagged('Outbox', [
    [
      'get',
      '/api/outbox',
      'Outbox messages with their delivery state, and counts by state',
      { query: outboxPage },
    ],
    ['get', '/api/outbox/{id}', 'One outbox message'],
    [
      'post',
      '/api/outbox/{id}/retry',
      'Queue a failed message again',
      { responses: { '409': 'The message has not failed' } },
    ],
  ]),
  ...tagged('Webhooks', [
    ['get', '/api/webhooks', 'Webhook subscriptions'],
    [
      'post',
      '/api/webhooks',
      'Subscribe a URL to ticket events (the answer shows the signing secret once)',
      {
        body: subscriptionBody,
        responses: { '422': 'The URL is not http(s) or reaches a loopback or private address' },
      },
    ],
    ['put', '/api/webhooks/{id}', 'Change a subscription', { body: subscriptionBody }],
    [
      'post',
      '/api/webhooks/{id}/rotate',
      'Rotate the signing secret; the old one also signs during the overlap',
      { body: rotateBody },
    ],
    ['get', '/api/webhooks/{id}/deliveries', 'The delivery log of a subscription', { query: outboxPage }],
    ['post', '/api/webhooks/{id}/deliveries/{mid}/resend', 'Send a delivery again, as a new message'],
  ]),
  ...tagged('Notifications', [
    ['get', '/api/notifications', 'My notifications, newest first, with the unread count'],
    ['post', '/api/notifications/read', 'Mark my notifications read'],
    ['get', '/api/notifications/settings', 'My notification settings (e-mail address, e-mail on or off)'],
    ['put', '/api/notifications/settings', 'Change my notification settings'],
    ['get', '/api/notifications/stream', 'My notifications as they happen (server-sent events)'],
  ]),
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
