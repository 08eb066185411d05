import { useCallback, useEffect, useState } from 'react'

/** Loads data with an async function; `reload` runs it again. */
export function useAsync<T>(load: () => Promise<T>, deps: readonly unknown[]) {
  const [state, setState] = useState<{ data: T | null; error: Error | null; loading: boolean }>({
    data: null,
    error: null,
    loading: true,
  })
  const run = useCallback(async () => {
    setState((s) => ({ ...s, loading: true }))
    try {
      const data = await load()
      setState({ data, error: null, loading: false })
    } catch (error) {
      setState({ data: null, error: error as Error, loading: false })
    }
  }, deps)
  useEffect(() => {
    void run()
  }, [run])
  return { ...state, reload: run, setData: (data: T) => setState({ data, error: null, loading: false }) }
}
