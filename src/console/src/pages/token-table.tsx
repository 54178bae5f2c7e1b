import { shortTime, type Token } from '../types';
import { TokenActions } from './token-actions';
import type { Issued } from './token-issue-form';

/** Null and undefined differ here: null is a token never used; undefined, a server that does not say. */
function lastUsed(token: Token): string {
  return token.lastUsedAt === null ? 'never' : shortTime(token.lastUsedAt);
}

/**
 * The tokens, one row each. `actions` is off for a past instant's list: a row then is the token as it was,
 * not something to act on. A configured token never has them: the API cannot revoke or rotate it.
 */
export function TokenTable(props: {
  tokens: Token[];
  caption: string;
  actions: boolean;
  onRotated: (rotated: Issued) => void;
  onRevoked: () => void;
}) {
  return (
    <div className="overflow-auto">
      <table className="striped tokens">
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Role</th>
            <th scope="col">Environments</th>
            <th scope="col">Source</th>
            <th scope="col">Created</th>
            <th scope="col">Expires</th>
            <th scope="col">Last used</th>
            <th scope="col">Revoked</th>
            {props.actions && <th scope="col">Actions</th>}
          </tr>
        </thead>
        <tbody>
          {props.tokens.map((token) => (
            <tr key={token.id}>
              <th scope="row">{token.name}</th>
              <td>{token.role}</td>
              <td>{token.environments === null ? 'all' : token.environments.join(', ')}</td>
              <td>{token.source === 'config' ? 'bootstrap (FLAGLEDGER_TOKENS)' : 'API'}</td>
              <td>
                {token.createdBy === null ? (
                  '—'
                ) : (
                  <>
                    {token.createdBy}, <span className="when">{shortTime(token.createdAt)}</span>
                  </>
                )}
              </td>
              <td className="when">{token.expiresAt === null ? 'never' : shortTime(token.expiresAt)}</td>
              <td className="when">{lastUsed(token)}</td>
              <td className="when">{shortTime(token.revokedAt)}</td>
              {props.actions && (
                <td>
                  {token.source === 'api' && token.revokedAt === null && (
                    <TokenActions token={token} onRotated={props.onRotated} onRevoked={props.onRevoked} />
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
