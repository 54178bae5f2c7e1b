import { useState } from 'react';
import { ApiError, request } from '../api';
import { COMMAND_TITLES, type ChangeRequest, type ProposedCommand } from '../change-requests';
import { Field } from '../field';
import { RolloutField } from '../rollout-field';
import { hrefOf } from '../router';
import { segmentList } from '../segment-list';
import type { Environment } from '../types';
import { WriteDialog } from '../write-dialog';
import type { EnvironmentState } from './flag-page-types';

/** The value a command proposes, from the form's text; commands without one send none. */
function valueOf(command: ProposedCommand, rollout: string, segments: string): { value?: number | string[] } {
  if (command === 'rollout') return { value: Number(rollout) };
  if (command === 'segments') return { value: segmentList(segments) };
  return {};
}

/**
 * In a protected environment a state change is a change request (docs/contract.md §10): the form proposes
 * one command against the version on screen (its `baseVersion`), then opens the new request.
 */
export function RequestChange(props: {
  flagKey: string;
  environment: Environment;
  state: EnvironmentState;
  version: number;
}) {
  const { state, environment } = props;
  const [open, setOpen] = useState(false);
  const [title, setTitle] = useState('');
  const [command, setCommand] = useState<ProposedCommand>(state.enabled ? 'disable' : 'enable');
  const [rollout, setRollout] = useState(String(state.rolloutPercentage));
  const [segments, setSegments] = useState(state.targetSegments.join(', '));
  const [scheduledFor, setScheduledFor] = useState('');
  const [refusal, setRefusal] = useState<ApiError | undefined>();

  async function create(reason: string | undefined) {
    const change = {
      flagKey: props.flagKey,
      command,
      ...valueOf(command, rollout, segments),
      baseVersion: props.version,
    };
    const body = {
      environment: environment.key,
      title,
      changes: [change],
      // datetime-local is the browser's local time without a zone; the API wants an instant.
      ...(scheduledFor === '' ? {} : { scheduledAt: new Date(scheduledFor).toISOString() }),
      ...(reason ? { reason } : {}),
    };
    try {
      const created = (await request<{ changeRequest: ChangeRequest }>('POST', '/v1/change-requests', { body })).body;
      window.location.hash = hrefOf({ page: 'change-request', id: created.changeRequest.id });
    } catch (failure) {
      setRefusal(failure instanceof ApiError ? failure : undefined);
      throw failure;
    }
  }

  return (
    <>
      <button type="button" onClick={() => setOpen(true)}>
        Request change
      </button>
      {open && (
        <WriteDialog
          title={`Request a change to ${props.flagKey} in ${environment.key}`}
          onClose={() => setOpen(false)}
          onConfirm={create}
          fields={
            <>
              <Field label="Title" error={refusal?.fieldMessage('title')} hint="What reviewers see in the list.">
                {(a) => <input {...a} required value={title} onChange={(e) => setTitle(e.target.value)} />}
              </Field>
              <Field label="Command">
                {(a) => (
                  <select {...a} value={command} onChange={(e) => setCommand(e.target.value as ProposedCommand)}>
                    {(Object.keys(COMMAND_TITLES) as ProposedCommand[]).map((c) => (
                      <option key={c} value={c}>
                        {COMMAND_TITLES[c]}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              {command === 'rollout' && (
                <RolloutField value={rollout} onChange={setRollout} error={refusal?.fieldMessage('changes[0].value')} />
              )}
              {command === 'segments' && (
                <Field
                  label="Segments"
                  error={refusal?.fieldMessage('changes[0].value')}
                  hint="Comma-separated; empty: every user."
                >
                  {(a) => <input {...a} value={segments} onChange={(e) => setSegments(e.target.value)} />}
                </Field>
              )}
              <Field
                label="Scheduled for"
                error={refusal?.fieldMessage('scheduledAt')}
                hint="Optional, your local time: once approved, the request applies itself then."
              >
                {(a) => (
                  <input
                    {...a}
                    type="datetime-local"
                    value={scheduledFor}
                    onChange={(e) => setScheduledFor(e.target.value)}
                  />
                )}
              </Field>
            </>
          }
        >
          <p>
            {environment.key} needs {environment.requiredApprovals} approval
            {environment.requiredApprovals === 1 ? '' : 's'} by someone other than you before the change is applied.
          </p>
        </WriteDialog>
      )}
    </>
  );
}
