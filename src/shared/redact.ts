/** A database URL without its password, for error messages and logs. */
export function redact(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*):[^/]*@/i, '$1:***@');
}
