import { toHex } from '../../engine/index.ts'
import { loadOrCreateKey } from '../ledger/keys.ts'
import { LedgerService } from '../ledger/ledger.ts'
import { copySqliteToPostgres, targetCounts } from '../storage/copy.ts'
import { databaseTarget } from '../storage/databaseUrl.ts'
import { PgStorage } from '../storage/postgres.ts'
import { SqliteStorage } from '../storage/sqlite.ts'
import { type Print, verifyStoredTicket } from './ledgerCommands.ts'

const stdout: Print = (line) => process.stdout.write(`${line}\n`)

/**
 * `sopflow db copy --from <sqlite file> --to postgres://…`: copies everything, then checks the
 * target: the same row count in every table, the same ledger root, and every ticket's hash chain
 * and replay. Exit 0 only when all of it holds.
 */
export async function runDbCopy(
  from: string,
  to: string,
  fail: (m: string) => never,
  out: Print = stdout,
): Promise<number> {
  const source = databaseTarget(from)
  const target = databaseTarget(to)
  if (source.kind !== 'sqlite') fail(`--from must be a SQLite file, not "${from}"`)
  if (target.kind !== 'postgres') fail(`--to must be a postgres:// URL, not "${to}"`)
  const src = new SqliteStorage(source.path, { writerThread: false })
  const dst = await PgStorage.open(target.url)
  try {
    const copied = await copySqliteToPostgres(src, dst)
    let problems = 0
    const counted = new Map(
      await targetCounts(
        dst,
        copied.map(([t]) => t),
      ),
    )
    for (const [table, rows] of copied) {
      const there = counted.get(table)
      if (there !== rows) {
        problems++
        out(`✗ ${table}: ${rows} rows copied, ${there} on the target`)
      } else if (rows) out(`  ${table}: ${rows}`)
    }
    const key = loadOrCreateKey(null)
    const size = await src.ledgerSize()
    const [a, b] = [new LedgerService(src, key), new LedgerService(dst, key)]
    const [rootA, rootB] = [toHex(await a.rootOf(size)), toHex(await b.rootOf(await dst.ledgerSize()))]
    if (rootA !== rootB) {
      problems++
      out(`✗ the ledger's root differs: ${rootA} on the source, ${rootB} on the target`)
    } else out(`✓ ledger: ${size} records, root ${rootA}`)
    const ids = (await dst.pool.query<{ id: string }>('SELECT id FROM tickets ORDER BY id')).rows.map(
      (r) => r.id,
    )
    let verified = 0
    for (const id of ids) {
      const checked = await verifyStoredTicket(dst, id)
      if (typeof checked === 'string' || !checked.result.ok) {
        problems++
        const why = typeof checked === 'string' ? [checked] : checked.result.problems
        for (const p of why) out(`✗ ticket ${id}: ${p}`)
      } else verified++
    }
    out(`✓ ${verified} of ${ids.length} tickets verified on the target (hash chain and replay)`)
    if (problems) out(`✗ ${problems} problem(s): the copy is not to be trusted`)
    return problems ? 1 : 0
  } finally {
    await src.close()
    await dst.close()
  }
}
