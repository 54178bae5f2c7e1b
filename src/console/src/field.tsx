import { useId, type ReactNode } from 'react';

/**
 * A labelled form field with the API's message for it beside it: `aria-invalid` and `aria-describedby`
 * tie the message to the field, so a screen reader reads it with the field.
 */
export function Field(props: {
  label: string;
  error?: string | undefined;
  hint?: string;
  children: (attributes: { id: string; 'aria-invalid'?: true; 'aria-describedby'?: string }) => ReactNode;
}) {
  const id = useId();
  const messageId = `${id}-message`;
  const described = props.error !== undefined || props.hint !== undefined;
  return (
    <label htmlFor={id}>
      {props.label}
      {props.children({
        id,
        ...(props.error !== undefined ? { 'aria-invalid': true as const } : {}),
        ...(described ? { 'aria-describedby': messageId } : {}),
      })}
      {described && <small id={messageId}>{props.error ?? props.hint}</small>}
    </label>
  );
}
