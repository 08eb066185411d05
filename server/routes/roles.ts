import { Hono } from 'hono'
import { type AppEnv, WRITE_TICKETS } from '../auth/roles.ts'

/** The roles that work tickets: those an SOP's steps, actions and escalations are given to. */
export function roleRoutes() {
  const app = new Hono<AppEnv>()
  app.get('/', (c) => c.json({ roles: WRITE_TICKETS }))
  return app
}
