/** A PostgreSQL connection URL for messages: never with its password. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(a malformed PostgreSQL URL)';
  }
}

/** Whether `url` is a postgres:// or postgresql:// URL with a host. */
export function isPostgresUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'postgres:' || parsed.protocol === 'postgresql:') && parsed.hostname !== '';
  } catch {
    return false;
  }
}
