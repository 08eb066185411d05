#!/usr/bin/env -S node --single-threaded-gc
// The `sopflow` command: runs the TypeScript CLI through tsx. The garbage collector works on the
// server's own thread (--single-threaded-gc, a flag node takes only on its command line): its
// helper threads would compete with the server and the SQLite writer thread for the same cores.
import { register } from 'tsx/esm/api'

register()
await import('../server/cli.ts')
