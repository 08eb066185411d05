#!/usr/bin/env node
// Prints the mutation score of each folder from Stryker's JSON report (reports/mutation/mutation.json):
// detected mutants (killed or timed out) over all valid ones (detected, survived, without coverage).
// Mutants marked equivalent with a Stryker disable comment are "Ignored" and not counted.
import { readFileSync } from 'node:fs'

const file = process.argv[2] ?? 'reports/mutation/mutation.json'
let report
try {
  report = JSON.parse(readFileSync(file, 'utf8'))
} catch (err) {
  console.error(`No mutation report at ${file} (${err.message}); run npm run mutation first.`)
  process.exit(1)
}
const DETECTED = new Set(['Killed', 'Timeout'])
const UNDETECTED = new Set(['Survived', 'NoCoverage'])
const folders = new Map()
const add = (key, status) => {
  const f = folders.get(key) ?? { detected: 0, undetected: 0, survived: 0, noCoverage: 0 }
  if (DETECTED.has(status)) f.detected++
  if (UNDETECTED.has(status)) f.undetected++
  if (status === 'Survived') f.survived++
  if (status === 'NoCoverage') f.noCoverage++
  folders.set(key, f)
}
for (const [path, { mutants }] of Object.entries(report.files)) {
  const parts = path.replace(/\\/g, '/').split('/')
  const top = parts[0]
  const sub = parts.length > 2 ? `${parts[0]}/${parts[1]}` : null
  for (const m of mutants) {
    add(`${top}/`, m.status)
    if (sub) add(`${sub}/`, m.status)
  }
}
const rows = [...folders].sort(([a], [b]) => a.localeCompare(b))
console.log('Mutation score (killed or timed out, of all mutants that compile and are not marked equivalent)')
for (const [key, f] of rows) {
  const total = f.detected + f.undetected
  const score = total ? ((100 * f.detected) / total).toFixed(1) : '—'
  const indent = key.split('/').length > 2 ? '  ' : ''
  console.log(
    `${indent}${key.padEnd(22 - indent.length)} ${String(score).padStart(5)} %   ${f.detected}/${total}  (${f.survived} survived, ${f.noCoverage} without coverage)`,
  )
}
