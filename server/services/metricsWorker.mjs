// The metrics worker's entry: it runs the server's TypeScript sources through tsx, as the server does.
import { register } from 'tsx/esm/api'

register()
await import('./metricsWorker.ts')
