import { z } from 'zod'

// The web app runs under a Content-Security-Policy without 'unsafe-eval': zod must not probe for
// or compile parsers with `new Function`, which the browser would report as a CSP violation.
// Imported first by main.tsx, before any schema is built.
z.config({ jitless: true })
