/** The fragment of a pasted questionnaire link (the whole address, or only what follows '#'). */
export function fragmentOf(text: string): string {
  const trimmed = text.trim();
  const hash = trimmed.indexOf('#');
  return hash >= 0 ? trimmed.slice(hash + 1) : trimmed;
}
