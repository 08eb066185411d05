import DOMPurify from 'dompurify'
import { marked } from 'marked'

/**
 * What SOP instructions may not contain: anything that asks the reader for input (an author could
 * draw a fake "re-enter your password" form), embeds another page, or loads media or styles.
 */
const FORBID_TAGS = [
  'form',
  'input',
  'button',
  'select',
  'option',
  'optgroup',
  'textarea',
  'fieldset',
  'label',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'audio',
  'video',
  'source',
  'track',
  'picture',
  'style',
  'link',
  'meta',
  'base',
]
const FORBID_ATTR = ['style', 'srcset', 'action', 'formaction', 'ping', 'background', 'poster']

let purifier: ReturnType<typeof DOMPurify> | null = null

/** True when a URL would be fetched from another origin than the web app's. */
function isRemote(src: string): boolean {
  if (/^data:image\//i.test(src)) return false
  try {
    return new URL(src, window.location.href).origin !== window.location.origin
  } catch {
    return true
  }
}

function instance(): ReturnType<typeof DOMPurify> {
  if (purifier) return purifier
  purifier = DOMPurify(window)
  // A remote image is not loaded: it becomes a link to it, named by its alternative text.
  purifier.addHook('uponSanitizeElement', (node, data) => {
    if (data.tagName !== 'img' || !(node instanceof Element)) return
    const src = node.getAttribute('src') ?? ''
    if (!src || !isRemote(src)) return
    const link = node.ownerDocument.createElement('a')
    link.setAttribute('href', src)
    link.setAttribute('rel', 'noopener noreferrer')
    link.setAttribute('target', '_blank')
    link.textContent = node.getAttribute('alt') || src
    node.replaceWith(link)
  })
  return purifier
}

/** SOP instructions (Markdown) as safe HTML: no forms, frames or remote images. */
export function sanitizeMarkdown(text: string): string {
  // Without a DOM (server-side rendering) there is nothing to sanitise with: show the text itself.
  if (typeof window === 'undefined') return (text ?? '').replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)
  const html = marked.parse(text ?? '', { async: false }) as string
  return instance().sanitize(html, { FORBID_TAGS, FORBID_ATTR })
}

/** An e-mail's HTML as safe HTML: no scripts, forms, frames, styles, and remote images only as links. */
export function sanitizeMailHtml(html: string): string {
  if (typeof window === 'undefined') return (html ?? '').replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)
  return instance().sanitize(html ?? '', { FORBID_TAGS, FORBID_ATTR })
}
