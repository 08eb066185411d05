import { createContext, useContext } from 'react'
import type { Me } from '../api/users.ts'

/** The signed-in user, provided by the shell once the token was checked. */
export const SessionContext = createContext<Me | null>(null)

export function useMe(): Me | null {
  return useContext(SessionContext)
}
