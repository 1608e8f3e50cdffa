/**
 * The bearer token arrives in the URL fragment (`#token=…`), which browsers never send to a server, so it
 * reaches no access log or proxy. It is read once, the fragment is cleared from the address bar and
 * history (so it is not bookmarked, shared or shown over a shoulder), and kept in this tab's session
 * storage so a reload still works until the token itself expires.
 */
export function takeFragmentToken(storageKey: string): string | null {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const token = fragment.get('token');
  if (token !== null && token !== '') {
    history.replaceState(history.state, '', `${location.pathname}${location.search}`);
    try {
      sessionStorage.setItem(storageKey, token);
    } catch {
      // Not kept: a reload will ask for the link again.
    }
    return token;
  }
  try {
    return sessionStorage.getItem(storageKey);
  } catch {
    return null;
  }
}

/** Forgets the token (it was refused): the page then asks for a fresh link. */
export function forgetToken(storageKey: string): void {
  try {
    sessionStorage.removeItem(storageKey);
  } catch {
    // Nothing was stored.
  }
}
