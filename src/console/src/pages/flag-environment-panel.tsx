import { useState } from 'react';
import { Field } from '../field';
import { shortTime, statusOf, type Environment } from '../types';
import { WriteDialog } from '../write-dialog';
import type { Write } from './flag';

export interface EnvironmentState {
  enabled: boolean;
  rolloutPercentage: number;
  targetSegments: string[];
  killSwitch: boolean;
  lastEvaluatedAt?: string | null;
}

type Pending =
  | { kind: 'enable' | 'disable' | 'kill-switch/engage' | 'kill-switch/release' }
  | { kind: 'rollout'; percentage: number }
  | { kind: 'segments'; segments: string[] };

const TITLES: Record<Pending['kind'], string> = {
  enable: 'Enable',
  disable: 'Disable',
  'kill-switch/engage': 'Engage the kill switch',
  'kill-switch/release': 'Release the kill switch',
  rollout: 'Change the rollout',
  segments: 'Change the segments',
};

/** One environment's state of the flag, and its commands; a region named by the environment's key. */
export function EnvironmentPanel(props: {
  flagKey: string;
  environment: Environment;
  state: EnvironmentState;
  editable: boolean;
  write: Write;
}) {
  const { state, environment } = props;
  const [rollout, setRollout] = useState(String(state.rolloutPercentage));
  const [segments, setSegments] = useState(state.targetSegments.join(', '));
  const [pending, setPending] = useState<Pending | undefined>();
  const base = `/v1/environments/${encodeURIComponent(environment.key)}/flags/${encodeURIComponent(props.flagKey)}`;

  function run(command: Pending, reason: string | undefined): Promise<void> {
    const why = reason ? { reason } : {};
    switch (command.kind) {
      case 'rollout':
        return props.write('PUT', `${base}/rollout`, { percentage: command.percentage, ...why });
      case 'segments':
        return props.write('PUT', `${base}/segments`, { segments: command.segments, ...why });
      default:
        return props.write('POST', `${base}/${command.kind}`, why);
    }
  }

  const newSegments = segments
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

  return (
    <article
      role="region"
      aria-label={environment.key}
      className={state.killSwitch ? 'environment killed' : 'environment'}
    >
      <header>
        <strong>{environment.key}</strong> <small>({environment.type})</small>{' '}
        <mark className={`badge status-${statusOf(state).replace(' %', '')}`}>{statusOf(state)}</mark>
      </header>
      <p>
        Segments: {state.targetSegments.length === 0 ? 'every user' : state.targetSegments.join(', ')}. Last evaluated{' '}
        {shortTime(state.lastEvaluatedAt)}.
      </p>
      <fieldset disabled={!props.editable}>
        <div role="group">
          <button type="button" onClick={() => setPending({ kind: state.enabled ? 'disable' : 'enable' })}>
            {state.enabled ? 'Disable' : 'Enable'}
          </button>
          <button
            type="button"
            className="danger"
            onClick={() => setPending({ kind: state.killSwitch ? 'kill-switch/release' : 'kill-switch/engage' })}
          >
            {state.killSwitch ? 'Release kill switch' : 'Engage kill switch'}
          </button>
        </div>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            setPending({ kind: 'rollout', percentage: Number(rollout) });
          }}
        >
          <Field label="Rollout">
            {(a) => (
              <input
                {...a}
                type="number"
                min={0}
                max={100}
                step={1}
                value={rollout}
                onChange={(e) => setRollout(e.target.value)}
              />
            )}
          </Field>
          <button type="submit">Save rollout</button>
        </form>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            setPending({ kind: 'segments', segments: newSegments });
          }}
        >
          <Field label="Segments" hint="Comma-separated; empty: every user.">
            {(a) => <input {...a} value={segments} onChange={(e) => setSegments(e.target.value)} />}
          </Field>
          <button type="submit">Save segments</button>
        </form>
      </fieldset>
      {pending && (
        <WriteDialog
          title={`${TITLES[pending.kind]} in ${environment.key}`}
          danger={pending.kind === 'kill-switch/engage'}
          onClose={() => setPending(undefined)}
          onConfirm={(reason) => run(pending, reason)}
        >
          {pending.kind === 'kill-switch/engage' && (
            <p>
              Every evaluation of {props.flagKey} in {environment.key} answers off from the next one on, whatever the
              rollout; services following the stream get it at once.
            </p>
          )}
          {pending.kind === 'rollout' && (
            <p>
              From {state.rolloutPercentage} % to {pending.percentage} %.
            </p>
          )}
        </WriteDialog>
      )}
    </article>
  );
}
