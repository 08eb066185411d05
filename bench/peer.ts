// The peer compared against: bpmn-engine running the same long-running case (work → follow up →
// wait for the customer → work …) as a server would, its state reloaded from SQLite for every
// action and written back with synchronous=FULL. No group commit: one transaction per action.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { Engine } from 'bpmn-engine'

/** The long-running case of bench/engine.ts, drawn in BPMN 2.0. */
export const LONG_CASE_BPMN = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="long-case" targetNamespace="http://sopflow.example/bench">
  <process id="longCase" isExecutable="true">
    <startEvent id="start" />
    <sequenceFlow id="toWork" sourceRef="start" targetRef="work" />
    <userTask id="work" name="Work on the case" />
    <sequenceFlow id="follow" sourceRef="work" targetRef="check" />
    <exclusiveGateway id="check" name="Enough attempts?" default="again" />
    <sequenceFlow id="stop" sourceRef="check" targetRef="done">
      <conditionExpression xsi:type="tFormalExpression">\${environment.output.attempts &gt; 1000000}</conditionExpression>
    </sequenceFlow>
    <sequenceFlow id="again" sourceRef="check" targetRef="wait" />
    <userTask id="wait" name="Wait for the customer" />
    <sequenceFlow id="reply" sourceRef="wait" targetRef="work" />
    <endEvent id="done" />
  </process>
</definitions>`

/** Durable actions per second of the peer over `tickets` cases, for `seconds`. */
export async function peerActionsPerSecond(tickets: number, seconds: number): Promise<number> {
  const db = new Database(join(mkdtempSync(join(tmpdir(), 'sopflow-peer-')), 'peer.sqlite'))
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = FULL')
  db.exec('CREATE TABLE cases (id TEXT PRIMARY KEY, state TEXT NOT NULL, version INTEGER NOT NULL)')
  const load = db.prepare('SELECT state, version FROM cases WHERE id = ?')
  const save = db.prepare('UPDATE cases SET state = ?, version = version + 1 WHERE id = ? AND version = ?')
  const insert = db.prepare('INSERT INTO cases VALUES (?, ?, 1)')
  for (let i = 0; i < tickets; i++) {
    const engine = new Engine({ name: `case-${i}`, source: LONG_CASE_BPMN })
    await engine.execute()
    insert.run(`case-${i}`, JSON.stringify(await engine.getState()))
    await engine.stop()
  }
  let count = 0
  let attempt = 0
  const t0 = performance.now()
  while (performance.now() - t0 < seconds * 1000) {
    const id = `case-${count % tickets}`
    const row = load.get(id) as { state: string; version: number }
    const engine = new Engine({ name: id, source: LONG_CASE_BPMN }).recover(JSON.parse(row.state))
    const execution = await engine.resume()
    const [waiting] = execution.getPostponed()
    const follow = waiting.id === 'work'
    execution.signal({
      id: waiting.id,
      ...(follow ? { attempts: ++attempt, summary: `Call ${attempt}` } : {}),
    })
    const [next] = execution.getPostponed()
    if (next?.id !== (follow ? 'wait' : 'work')) throw new Error(`the peer is at ${next?.id}`)
    const state = JSON.stringify(await engine.getState())
    await engine.stop()
    if (save.run(state, id, row.version).changes !== 1) throw new Error('the peer lost an update')
    count++
  }
  const rate = count / ((performance.now() - t0) / 1000)
  db.close()
  return rate
}
