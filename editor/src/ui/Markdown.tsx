import { memo, useMemo } from 'react'
import { sanitizeMarkdown } from './sanitizeMarkdown.ts'

/** SOP instructions are Markdown: rendered with marked and sanitised with DOMPurify. */
function MarkdownView({ text, className }: { text: string; className?: string }) {
  const html = useMemo(() => sanitizeMarkdown(text), [text])
  // biome-ignore lint/security/noDangerouslySetInnerHtml: sanitised by sanitizeMarkdown above
  return <div className={`markdown ${className ?? ''}`} dangerouslySetInnerHTML={{ __html: html }} />
}

export const Markdown = memo(MarkdownView)
