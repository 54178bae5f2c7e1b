import { useState } from 'react';
import { COMMAND_TITLES } from '../change-requests';
import { shortTime, statusOf, type Environment } from '../types';
import { WriteDialog } from '../write-dialog';
import { DirectCommands } from './flag-direct-commands';
import type { EnvironmentState, Pending, Write } from './flag-page-types';
import { RequestChange } from './request-change';

/**
 * One environment's state of the flag, and its commands; a region named by the environment's key. A
 * protected environment (requiredApprovals > 0) takes them as a change request instead, except the kill
 * switch's engage: break glass, never refused, but only with a reason.
 */
export function EnvironmentPanel(props: {
  flagKey: string;
  environment: Environment;
  state: EnvironmentState;
  /** The flag's version on screen: a change request's baseVersion. */
  version: number;
  editable: boolean;
  write: Write;
}) {
  const { state, environment } = props;
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

  const guarded = environment.requiredApprovals > 0;
  const killSwitchButton = (
    <button
      type="button"
      className="danger"
      onClick={() => setPending({ kind: state.killSwitch ? 'kill-switch/release' : 'kill-switch/engage' })}
    >
      {state.killSwitch ? 'Release kill switch' : 'Engage kill switch'}
    </button>
  );

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
      {guarded && (
        <p>
          Protected: {environment.requiredApprovals} approval{environment.requiredApprovals === 1 ? '' : 's'} by another
          person before a state change applies.
        </p>
      )}
      <fieldset disabled={!props.editable}>
        {guarded ? (
          <div className="actions">
            <RequestChange flagKey={props.flagKey} environment={environment} state={state} version={props.version} />
            {!state.killSwitch && killSwitchButton}
          </div>
        ) : (
          <DirectCommands state={state} killSwitchButton={killSwitchButton} onPending={setPending} />
        )}
      </fieldset>
      {pending && (
        <WriteDialog
          title={`${COMMAND_TITLES[pending.kind]} in ${environment.key}`}
          danger={pending.kind === 'kill-switch/engage'}
          reasonRequired={guarded && pending.kind === 'kill-switch/engage'}
          onClose={() => setPending(undefined)}
          onConfirm={(reason) => run(pending, reason)}
        >
          {pending.kind === 'kill-switch/engage' && (
            <p>
              Every evaluation of {props.flagKey} in {environment.key} answers off from the next one on, whatever the
              rollout; services following the stream get it at once.
              {guarded && ' Break glass: it applies now, without approval, and another person reviews it afterwards.'}
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
