import { useEffect, useId, useRef, useState } from 'react';

/** A secret the server answered once (a token issued or rotated), held by the page until dismissed. */
export interface ShownSecret {
  tokenName: string;
  secret: string;
  /** What produced it, in words: "issued" or "rotated". */
  done: string;
}

/**
 * The secret, shown this once: the server keeps only its SHA-256, so there is no second look. "Done" is
 * the page dropping the value from its state, which takes it out of the DOM with this panel.
 */
export function OneTimeSecret(props: { shown: ShownSecret; onDone: () => void }) {
  const headingId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const [copy, setCopy] = useState<'copied' | 'failed' | undefined>();
  // Focus moves to the panel, so a keyboard or screen-reader user lands on the secret they must copy.
  useEffect(() => heading.current?.focus(), []);

  async function copySecret() {
    try {
      await navigator.clipboard.writeText(props.shown.secret);
      setCopy('copied');
    } catch {
      // No clipboard (an insecure origin, or permission refused): the secret is still on screen to select.
      setCopy('failed');
    }
  }

  return (
    <article role="region" aria-labelledby={headingId} className="one-time-secret">
      <h2 id={headingId} ref={heading} tabIndex={-1}>
        The secret of {props.shown.tokenName} ({props.shown.done})
      </h2>
      <p>
        <strong>It will not be shown again.</strong> Copy it now into the service or password manager that needs it: the
        server keeps only a hash of it.
      </p>
      <p>
        <code>{props.shown.secret}</code>
      </p>
      <div className="actions">
        <button type="button" onClick={() => void copySecret()}>
          Copy
        </button>
        <button type="button" className="secondary" onClick={props.onDone}>
          Done
        </button>
        <span role="status">
          {copy === 'copied' && 'Copied'}
          {copy === 'failed' && 'Could not copy: select the secret and copy it by hand.'}
        </span>
      </div>
    </article>
  );
}
