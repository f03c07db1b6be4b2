/** Links inside the messages screens keep the circle a clinician opened them for (?circle=). */
export function messagesHref(circle: string | undefined, threadId?: string): string {
  const path = threadId ? `/messages/${encodeURIComponent(threadId)}` : '/messages';
  return circle ? `${path}?circle=${encodeURIComponent(circle)}` : path;
}

/** The circle named in the query (a clinician's patient), or undefined for this device's own. */
export function circleParam(query: { circle?: string | string[] | undefined }): string | undefined {
  const value = Array.isArray(query.circle) ? query.circle[0] : query.circle;
  return value && value.trim() !== '' ? value : undefined;
}
