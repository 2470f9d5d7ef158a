/** Events travel as JSON objects; anything else is not an event of ours. */
export function encodeEvent(payload: Record<string, unknown>): string {
  return JSON.stringify(payload);
}

export function decodeEvent(text: string | Buffer | null | undefined): Record<string, unknown> {
  if (text === null || text === undefined) throw new Error('the message has no value');
  const parsed: unknown = JSON.parse(text.toString());
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('the message is not a JSON object');
  return parsed as Record<string, unknown>;
}
