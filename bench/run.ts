// `npm run bench`: prints the engine's, the server's and the editor's figures in one run.
// `npm run bench -- server` runs one part.
import { loadavg } from 'node:os'
import { runEngineBench } from './engine.ts'

type Part = { name: string; module: string; run: string }

const parts: Part[] = [
  { name: 'server', module: './server.ts', run: 'runServerBench' },
  { name: 'editor', module: './editor.ts', run: 'runEditorBench' },
  { name: 'ledger', module: './ledger.ts', run: 'runLedgerBench' },
  { name: 'mail', module: './mail.ts', run: 'runMailBench' },
  { name: 'outbox', module: './outbox.ts', run: 'runOutboxBench' },
  { name: 'storage', module: './storage.ts', run: 'runStorageBench' },
]

const only = process.argv[2]
// The load average before the run: figures taken on a busy machine say so.
const load = loadavg()
  .map((n) => n.toFixed(2))
  .join(', ')
console.log(
  `sopflow benchmarks — Node ${process.version}, ${new Date().toISOString()}, load average ${load}\n`,
)
if (!only || only === 'engine') runEngineBench()
for (const part of parts) {
  if (only && only !== part.name) continue
  console.log('')
  try {
    const mod = (await import(part.module)) as Record<string, () => Promise<void>>
    await mod[part.run]()
  } catch (err) {
    console.log(`## ${part.name}: not measured (${(err as Error).message.split('\n')[0]})`)
  }
}
