#!/usr/bin/env node
// Checks the system packages the test suite needs before it starts, and installs them where it can
// (as root on Debian); otherwise stops at once naming the one command to run.
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const missing = []
if (!existsSync(chromium)) missing.push({ what: `Chromium (${chromium})`, packages: ['chromium', 'fonts-noto-core'] })
// The PostgreSQL tests start their own server from the machine's binaries (Debian's postgresql).
const pgRoot = '/usr/lib/postgresql'
const hasPostgres =
  !!process.env.SOPFLOW_PG_BIN ||
  (existsSync(pgRoot) && readdirSync(pgRoot).some((v) => existsSync(`${pgRoot}/${v}/bin/initdb`)))
if (!hasPostgres) missing.push({ what: 'PostgreSQL (initdb, pg_ctl)', packages: ['postgresql'] })

if (missing.length > 0) {
  const packages = missing.flatMap((m) => m.packages)
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
  const hasApt = existsSync('/usr/bin/apt-get')
  if (isRoot && hasApt) {
    console.log(`Installing ${packages.join(', ')} for the browser and PostgreSQL tests…`)
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
    execFileSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env })
    execFileSync('apt-get', ['install', '-y', '-qq', ...packages], { stdio: ['ignore', 'ignore', 'inherit'], env })
  } else {
    console.error(`The tests need ${missing.map((m) => m.what).join(' and ')}, which is not installed.`)
    console.error(`Run:  sudo apt-get install -y ${packages.join(' ')}`)
    console.error('(or set CHROMIUM_PATH to a Chromium binary, SOPFLOW_PG_BIN to a folder holding initdb and pg_ctl), then run npm test again.')
    process.exit(1)
  }
}
