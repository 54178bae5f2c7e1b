import { Field } from './field';

/** A rollout percentage as typed: a whole number from 0 to 100, as text until the write reads it. */
export function RolloutField(props: { value: string; onChange: (value: string) => void; error?: string | undefined }) {
  return (
    <Field label="Rollout" error={props.error}>
      {(a) => (
        <input
          {...a}
          type="number"
          min={0}
          max={100}
          step={1}
          value={props.value}
          onChange={(e) => props.onChange(e.target.value)}
        />
      )}
    </Field>
  );
}
