import { createHash } from 'node:crypto'
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs'
import { join } from 'node:path'
import { newId } from '../services/crypto.ts'
import type { AttachmentRow } from '../storage/channelTypes.ts'

export interface IncomingFile {
  filename: string
  contentType: string
  content: Buffer
}

export interface AttachmentPolicy {
  /** Largest attachment stored, in bytes (default 10 MiB). */
  maxBytes?: number
  /** Content types stored; a pattern ending in `/*` allows the whole family. */
  allowedTypes?: string[]
}

export const DEFAULT_ALLOWED_TYPES = [
  'image/*',
  'text/plain',
  'text/csv',
  'application/pdf',
  'application/zip',
  'application/msword',
  'application/vnd.openxmlformats-officedocument.*',
  'application/vnd.oasis.opendocument.*',
  'audio/*',
  'video/mp4',
]

/** Where contents live instead of files: a store every server on the database shares. */
export interface AttachmentContents {
  put(sha256: string, content: Buffer): Promise<void>
  get(sha256: string): Promise<Buffer | null>
}

/**
 * Attachments as content-addressed files (`<dir>/<sha256[0..2]>/<sha256>`): one copy per content,
 * synced to disk before the message that lists them commits; or, given `contents`, kept there
 * (PostgreSQL: in the database, so every server serves what any one stored).
 */
export class AttachmentStore {
  readonly maxBytes: number
  private readonly allowed: string[]

  constructor(
    readonly dir: string,
    policy: AttachmentPolicy = {},
    private readonly contents: AttachmentContents | null = null,
  ) {
    this.maxBytes = policy.maxBytes ?? 10 * 1024 * 1024
    this.allowed = policy.allowedTypes ?? DEFAULT_ALLOWED_TYPES
  }

  allows(type: string): boolean {
    const t = type.toLowerCase().split(';')[0].trim()
    return this.allowed.some((p) => (p.endsWith('*') ? t.startsWith(p.slice(0, -1)) : t === p))
  }

  /** Stores the files this policy allows; every file gets a row, a refused one with the reason. */
  async save(messageId: string, files: IncomingFile[]): Promise<AttachmentRow[]> {
    const rows: AttachmentRow[] = []
    for (const f of files) {
      const row: AttachmentRow = {
        id: newId('att'),
        messageId,
        sha256: null,
        filename: (f.filename || 'attachment').slice(0, 255),
        contentType: f.contentType || 'application/octet-stream',
        size: f.content.length,
        refused: null,
      }
      if (f.content.length > this.maxBytes) row.refused = `larger than ${this.maxBytes} bytes`
      else if (!this.allows(row.contentType)) row.refused = `type ${row.contentType} is not allowed`
      else row.sha256 = await this.write(f.content)
      rows.push(row)
    }
    return rows
  }

  async read(sha256: string): Promise<Buffer> {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error('not a content address')
    if (!this.contents) return readFileSync(this.path(sha256))
    const content = await this.contents.get(sha256)
    if (!content) throw new Error(`no stored content ${sha256}`)
    return content
  }

  private path(sha: string): string {
    return join(this.dir, sha.slice(0, 2), sha)
  }

  private async write(content: Buffer): Promise<string> {
    const sha = createHash('sha256').update(content).digest('hex')
    if (this.contents) {
      await this.contents.put(sha, content)
      return sha
    }
    const file = this.path(sha)
    if (existsSync(file)) return sha
    const folder = join(this.dir, sha.slice(0, 2))
    mkdirSync(folder, { recursive: true })
    const tmp = `${file}.${process.pid}.tmp`
    const fd = openSync(tmp, 'w')
    try {
      writeSync(fd, content)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(tmp, file)
    // Stryker disable BlockStatement: syncing the folder's new entry, and closing it, show only after a power loss
    const dirFd = openSync(folder, 'r')
    try {
      fsyncSync(dirFd)
    } finally {
      closeSync(dirFd)
    }
    // Stryker restore BlockStatement
    return sha
  }
}
