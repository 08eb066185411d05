import type { ChangeEvent } from 'react'
import type { MetricOptions } from '../api/metrics.ts'

type Change = (e: ChangeEvent<HTMLSelectElement>) => void

/** An SOP select and its version select (versions of the chosen SOP only), as filters. */
export function SopVersionSelects(props: {
  sops: MetricOptions['sops']
  sop: string
  version: string
  onSop: Change
  onVersion: Change
  labels: { sop: string; version: string; all: string }
}) {
  const { sops, sop, version, labels } = props
  const versions = sops.find((s) => s.id === sop)?.versions ?? []
  return (
    <>
      <label>
        {labels.sop}
        <select name="sop" value={sop} onChange={props.onSop}>
          <option value="">{labels.all}</option>
          {sops.map((s) => (
            <option key={s.id} value={s.id}>
              {s.title}
            </option>
          ))}
        </select>
      </label>
      <label>
        {labels.version}
        <select name="version" value={version} onChange={props.onVersion} disabled={!sop}>
          <option value="">{labels.all}</option>
          {versions.map((v) => (
            <option key={v} value={v}>
              v{v}
            </option>
          ))}
        </select>
      </label>
    </>
  )
}
