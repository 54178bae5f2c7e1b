/** Segments as typed into a field, comma-separated ("beta, staff"): the keys, empty ones dropped. */
export function segmentList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
