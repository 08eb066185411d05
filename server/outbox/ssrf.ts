import { lookup } from 'node:dns/promises'
import { BlockList, isIP } from 'node:net'

/** Addresses a webhook may not reach unless an admin allows it: loopback, private, link-local, … */
const blocked = new BlockList()
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blocked.addSubnet(net, bits, 'ipv4')
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  blocked.addSubnet(net, bits, 'ipv6')

/** Whether an IP address is loopback, private, link-local or otherwise not on the public internet. */
export function isPrivateAddress(address: string): boolean {
  // Stryker disable next-line Regex: node's BlockList checks ::ffff:a.b.c.d against the IPv4 rules itself; this keeps it explicit
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  // Stryker disable next-line ConditionalExpression: as above, the IPv6 check answers the same for a mapped address
  if (mapped) return blocked.check(mapped[1], 'ipv4')
  const family = isIP(address)
  if (family === 0) return true
  return blocked.check(address, family === 4 ? 'ipv4' : 'ipv6')
}

/**
 * Why a webhook URL is refused, or null when it may be called: http(s) only, and (unless
 * `allowPrivate`) every address its host resolves to is public.
 */
export async function urlProblem(raw: string, allowPrivate: boolean): Promise<string | null> {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return 'not a URL'
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return `the scheme ${url.protocol} is not http or https`
  if (url.username || url.password) return 'credentials in the URL are not allowed'
  if (allowPrivate) return null
  // Stryker disable next-line Regex: a URL's hostname holds brackets only around an IPv6 address
  const host = url.hostname.replace(/^\[|\]$/g, '')
  let addresses: string[]
  try {
    addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address)
  } catch {
    return `the host ${host} does not resolve`
  }
  const bad = addresses.find(isPrivateAddress)
  return bad ? `${host} is a loopback or private address (${bad})` : null
}
