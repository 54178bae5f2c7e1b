import { useState, type ReactNode } from 'react';
import { Field } from '../field';
import { RolloutField } from '../rollout-field';
import { segmentList } from '../segment-list';
import type { EnvironmentState, Pending } from './flag-page-types';

/**
 * The state commands of an unprotected environment, written at once: Enable/Disable, the kill switch,
 * the rollout and the segments. Each only names the write; the panel asks for its reason and runs it.
 */
export function DirectCommands(props: {
  state: EnvironmentState;
  killSwitchButton: ReactNode;
  onPending: (pending: Pending) => void;
}) {
  const { state } = props;
  const [rollout, setRollout] = useState(String(state.rolloutPercentage));
  const [segments, setSegments] = useState(state.targetSegments.join(', '));
  return (
    <>
      <div role="group">
        <button type="button" onClick={() => props.onPending({ kind: state.enabled ? 'disable' : 'enable' })}>
          {state.enabled ? 'Disable' : 'Enable'}
        </button>
        {props.killSwitchButton}
      </div>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          props.onPending({ kind: 'rollout', percentage: Number(rollout) });
        }}
      >
        <RolloutField value={rollout} onChange={setRollout} />
        <button type="submit">Save rollout</button>
      </form>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          props.onPending({ kind: 'segments', segments: segmentList(segments) });
        }}
      >
        <Field label="Segments" hint="Comma-separated; empty: every user.">
          {(a) => <input {...a} value={segments} onChange={(e) => setSegments(e.target.value)} />}
        </Field>
        <button type="submit">Save segments</button>
      </form>
    </>
  );
}
