import { createHash } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { AttachmentStore } from '../../server/channels/attachments.ts'

// The rules of stored attachments (server/channels/attachments.ts): which types and sizes are
// kept, what a row says of a file, and content-addressed files on disk written once.

const dir = () => join(mkdtempSync(join(tmpdir(), 'sopflow-att-')), 'not', 'yet')
const file = (content: Buffer | string, contentType = 'text/plain', filename = 'a.txt') => ({
  filename,
  contentType,
  content: Buffer.isBuffer(content) ? content : Buffer.from(content),
})
const sha = (b: string) => createHash('sha256').update(b).digest('hex')

describe('attachment store rules', () => {
  it('allows the default types, whole families by their pattern, whatever the case and parameters', () => {
    const store = new AttachmentStore(dir())
    for (const t of [
      'text/plain',
      'TEXT/PLAIN; charset=utf-8',
      'text/csv',
      'image/png',
      'application/pdf',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'application/vnd.oasis.opendocument.text',
      'audio/mpeg',
      'video/mp4',
    ])
      expect(store.allows(t), t).toBe(true)
    for (const t of [
      'application/x-msdownload',
      'text/html',
      'text/css',
      'text/plainer',
      'video/webm',
      'application/octet-stream',
      '',
    ])
      expect(store.allows(t), t).toBe(false)
    const own = new AttachmentStore(dir(), { allowedTypes: ['text/csv'] })
    expect([own.allows('text/csv'), own.allows('text/plain')]).toEqual([true, false])
  })

  it('keeps up to 10 MiB by default; a larger file, or one of a refused type, gets a row saying why and no content', async () => {
    expect(new AttachmentStore(dir()).maxBytes).toBe(10 * 1024 * 1024)
    const store = new AttachmentStore(dir(), { maxBytes: 4 })
    const rows = await store.save('msg_1', [
      file('four'),
      file('fives'),
      file('<b>', 'text/html', 'x.html'),
      file('anon', '', ''),
      file('long', 'text/plain', 'n'.repeat(300)),
    ])
    expect(rows.map((r) => [r.refused, r.sha256])).toEqual([
      [null, sha('four')],
      ['larger than 4 bytes', null],
      ['type text/html is not allowed', null],
      ['type application/octet-stream is not allowed', null],
      [null, sha('long')],
    ])
    expect(rows[3]).toMatchObject({
      filename: 'attachment',
      contentType: 'application/octet-stream',
      size: 4,
    })
    expect(rows[4].filename).toBe('n'.repeat(255))
    expect(rows.every((r) => r.messageId === 'msg_1' && /^att_\w+$/.test(r.id))).toBe(true)
    expect(new Set(rows.map((r) => r.id)).size).toBe(5)
  })

  it('writes each content once at its address, creating the folders, and reads it back; anything else is not an address', async () => {
    const root = dir()
    const store = new AttachmentStore(root)
    const [a] = await store.save('msg_1', [file('hello')])
    const path = join(root, sha('hello').slice(0, 2), sha('hello'))
    expect(readFileSync(path, 'utf8')).toBe('hello')
    const before = statSync(path).ino
    const [b] = await store.save('msg_2', [file('hello', 'text/plain', 'again.txt')])
    expect(b.sha256).toBe(a.sha256)
    expect(statSync(path).ino).toBe(before)
    expect(readdirSync(join(root, sha('hello').slice(0, 2)))).toEqual([sha('hello')])
    expect((await store.read(a.sha256!)).toString()).toBe('hello')
    for (const bad of [
      '../../etc/passwd',
      `../${sha('hello')}`,
      sha('hello').toUpperCase(),
      `${sha('hello')}x`,
      sha('hello').slice(1),
    ])
      await expect(store.read(bad)).rejects.toThrow('not a content address')
  })
})
