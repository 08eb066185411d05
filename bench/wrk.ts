// The closed loops of the server bench driven by wrk (a load generator written in C, Debian's
// `wrk` package) when it is installed: it spends a fraction of the CPU a Node generator does on
// each request, and on a machine of two cores that CPU is the server's. Each ticket is acted on
// by one request at a time; its next body follows from its last answer (read by wrk's Lua).
import { execFile, execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** wrk's path, or null when it is not installed (or BENCH_GENERATOR=autocannon asks for the other). */
export function wrkPath(): string | null {
  if (process.env.BENCH_GENERATOR === 'autocannon') return null
  try {
    return execFileSync('sh', ['-c', 'command -v wrk'], { encoding: 'utf8' }).trim() || null
  } catch {
    return null
  }
}

export interface WrkResult {
  rate: number
  /** 99th percentile of the latency, ms. */
  p99: number
}

// Prints the figures as one line that `wrk()` reads back.
const DONE = `
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('SOPFLOW {"requests":%d,"us":%d,"status":%d,"socket":%d,"p99":%d}\\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(99)))
end
`

async function wrk(
  bin: string,
  url: string,
  script: string,
  connections: number,
  seconds: number,
): Promise<WrkResult> {
  const file = join(mkdtempSync(join(tmpdir(), 'sopflow-wrk-')), 'load.lua')
  writeFileSync(file, script + DONE)
  const { stdout, stderr } = await run(
    bin,
    ['-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '10s', '-s', file, url],
    { maxBuffer: 1 << 20 },
  )
  const line = stdout.split('\n').find((l) => l.startsWith('SOPFLOW '))
  if (!line) throw new Error(`wrk printed no figures:\n${stdout}${stderr}`)
  const r = JSON.parse(line.slice(8)) as Record<string, number>
  if (r.status || r.socket)
    throw new Error(`wrk: ${r.status} refused and ${r.socket} failed requests\n${stderr}`)
  return { rate: r.requests / (r.us / 1e6), p99: r.p99 / 1000 }
}

/** The ceiling: a trivial endpoint, `connections` at a time, after a warm-up. */
export async function wrkTrivial(
  bin: string,
  url: string,
  connections: number,
  seconds: number,
  warmup: number,
): Promise<WrkResult> {
  if (warmup) await wrk(bin, url, '', connections, warmup)
  return wrk(bin, url, '', connections, seconds)
}

/** The Lua of the closed loop over `ids` (new tickets at version 1, at the step "work"). */
function closedScript(token: string, ids: string[]): string {
  const list = ids.map((id) => JSON.stringify(id)).join(', ')
  return `
local ids = { ${list} }
local free, state = {}, {}
local shown = 0
for _, id in ipairs(ids) do
  state[id] = { version = 1, step = "work", i = 0 }
  free[#free + 1] = id
end
local headers = { ["authorization"] = "Bearer ${token}", ["content-type"] = "application/json" }

-- wrk calls request() once before the run to see what it returns, and never sends that one.
local looked = false
function request()
  if not looked then
    looked = true
    return wrk.format("POST", "/api/tickets/" .. ids[1] .. "/actions", headers, "{}")
  end
  local id = table.remove(free)
  if id == nil then id = ids[1] end
  local s = state[id]
  s.i = s.i + 1
  local body
  if s.step == "work" then
    body = string.format('{"action":"follow_up","fields":{"attempts":%d,"summary":"Call %d"},"ticks":{"work":["note"]},"version":%d}', s.i, s.i, s.version)
  else
    body = string.format('{"action":"customer_replied","version":%d}', s.version)
  end
  return wrk.format("POST", "/api/tickets/" .. id .. "/actions", headers, body)
end

function response(status, headers, body)
  local id = body:match('^{"ticket":{"id":"([^"]+)"')
  local version = body:match('"version":(%d+),"createdAt"')
  if status ~= 200 or id == nil or version == nil or state[id] == nil then
    -- Its ticket is left out from now on (wrk counts the refusal; the bench then fails, naming it).
    shown = shown + 1
    if shown <= 3 then io.stderr:write(status .. " " .. body:sub(1, 300) .. "\\n") end
    return
  end
  local s = state[id]
  s.version = tonumber(version)
  s.step = body:match('"steps":%["([^"]*)"') or ""
  free[#free + 1] = id
end
`
}

/** sopflow's durable actions: one connection per ticket, a warm-up on other tickets first. */
export async function wrkClosed(
  bin: string,
  url: string,
  token: string,
  ids: string[],
  warmupIds: string[],
  seconds: number,
  warmup: number,
): Promise<WrkResult> {
  if (warmup) await wrk(bin, url, closedScript(token, warmupIds), warmupIds.length, warmup)
  return wrk(bin, url, closedScript(token, ids), ids.length, seconds)
}
