import { useState } from 'react'
import {
  getPublicForm,
  getPublicStatus,
  type PublicStatus,
  replyOnStatus,
  submitPublicForm,
} from '../api/channels.ts'
import { useAsync } from '../ui/useAsync.ts'

type Failure = Error & {
  problem?: { code?: string; params?: Record<string, string | number>; detail?: string }
}

/** The public form: what the customer typed stays until the request is accepted. */
export function useContactForm(slug: string) {
  const form = useAsync(() => getPublicForm(slug), [slug])
  const [values, setValues] = useState({
    name: '',
    email: '',
    phone: '',
    subject: '',
    message: '',
    website: '',
  })
  const [fields, setFields] = useState<Record<string, string>>({})
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<Failure | null>(null)
  const [done, setDone] = useState<{ reference: string; token: string } | null>(null)
  const submit = async () => {
    setBusy(true)
    setFailure(null)
    try {
      setDone(await submitPublicForm(slug, { ...values, fields }))
    } catch (err) {
      setFailure(err as Failure)
    } finally {
      setBusy(false)
    }
  }
  return { form, values, setValues, fields, setFields, busy, failure, done, submit }
}

/** The customer's status page and their reply. */
export function useStatusPage(token: string) {
  const status = useAsync<PublicStatus>(() => getPublicStatus(token), [token])
  const [reply, setReply] = useState('')
  const [busy, setBusy] = useState(false)
  const [failure, setFailure] = useState<Failure | null>(null)
  const send = async () => {
    setBusy(true)
    setFailure(null)
    try {
      await replyOnStatus(token, reply)
      setReply('')
      await status.reload()
    } catch (err) {
      setFailure(err as Failure)
    } finally {
      setBusy(false)
    }
  }
  return { status, reply, setReply, busy, failure, send }
}
