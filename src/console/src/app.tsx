import { useEffect, useState } from 'react';
import { currentSession, managesTokens, SESSION_ENDED, signOut, type Session } from './api';
import { Audit } from './pages/audit';
import { ChangeRequestPage } from './pages/change-request';
import { ChangeRequests } from './pages/change-requests';
import { Environments } from './pages/environments';
import { FlagPage } from './pages/flag';
import { Flags } from './pages/flags';
import { SignIn } from './pages/sign-in';
import { Stale } from './pages/stale';
import { Tokens } from './pages/tokens';
import { hrefOf, useRoute, type Route } from './router';

/** The main pages; `shown` leaves a link out for whoever the page would only refuse. */
const NAV: { route: Route; label: string; shown?: (session: Session) => boolean }[] = [
  { route: { page: 'flags' }, label: 'Flags' },
  { route: { page: 'environments' }, label: 'Environments' },
  { route: { page: 'audit' }, label: 'Audit' },
  { route: { page: 'stale' }, label: 'Stale flags' },
  { route: { page: 'change-requests' }, label: 'Change requests' },
  { route: { page: 'tokens' }, label: 'Tokens', shown: managesTokens },
];

/** Signs in (or finds the session the cookie already holds), then shows the page the URL names. */
export function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const route = useRoute();
  useEffect(() => {
    currentSession().then(setSession, () => setSession(null));
    const ended = () => setSession(null);
    window.addEventListener(SESSION_ENDED, ended);
    return () => window.removeEventListener(SESSION_ENDED, ended);
  }, []);

  if (session === undefined) return <main className="container" aria-busy="true" />;
  if (session === null) return <SignIn onSignedIn={setSession} />;

  return (
    <>
      <header className="container">
        <nav aria-label="Main">
          <ul>
            <li>
              <strong>Flagledger</strong>
            </li>
            {NAV.filter((item) => item.shown?.(session) ?? true).map((item) => (
              <li key={item.label}>
                <a href={hrefOf(item.route)} aria-current={item.route.page === route.page ? 'page' : undefined}>
                  {item.label}
                </a>
              </li>
            ))}
          </ul>
          <ul>
            <li>
              <span>
                {session.principal.name} ({session.principal.role})
              </span>
            </li>
            <li>
              <button type="button" className="secondary" onClick={() => void signOut().then(() => setSession(null))}>
                Sign out
              </button>
            </li>
          </ul>
        </nav>
      </header>
      <main className="container">{page(route, session)}</main>
    </>
  );
}

function page(route: Route, session: Session) {
  switch (route.page) {
    case 'environments':
      return <Environments session={session} />;
    case 'flag':
      return <FlagPage key={route.key} session={session} flagKey={route.key} />;
    case 'audit':
      return <Audit />;
    case 'stale':
      return <Stale session={session} />;
    case 'tokens':
      return <Tokens session={session} />;
    case 'change-requests':
      return <ChangeRequests />;
    case 'change-request':
      return <ChangeRequestPage key={route.id} session={session} id={route.id} />;
    default:
      return <Flags session={session} />;
  }
}
