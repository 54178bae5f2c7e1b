import { useEffect, useState } from 'react';

/**
 * The console routes by the URL's fragment (#/flags/checkout), so the server serves one page and a
 * reload or a shared link opens the same view.
 */
export type Route =
  | { page: 'flags' }
  | { page: 'flag'; key: string }
  | { page: 'audit' }
  | { page: 'stale' }
  | { page: 'environments' }
  | { page: 'tokens' }
  | { page: 'change-requests' }
  | { page: 'change-request'; id: string };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  switch (parts[0]) {
    case 'flags':
      return parts[1] ? { page: 'flag', key: parts[1] } : { page: 'flags' };
    case 'audit':
      return { page: 'audit' };
    case 'stale':
      return { page: 'stale' };
    case 'environments':
      return { page: 'environments' };
    case 'tokens':
      return { page: 'tokens' };
    case 'change-requests':
      return parts[1] ? { page: 'change-request', id: parts[1] } : { page: 'change-requests' };
    default:
      return { page: 'flags' };
  }
}

export function hrefOf(route: Route): string {
  if (route.page === 'flag') return `#/flags/${encodeURIComponent(route.key)}`;
  if (route.page === 'change-request') return `#/change-requests/${encodeURIComponent(route.id)}`;
  return `#/${route.page}`;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
