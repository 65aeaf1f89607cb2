/**
 * A real SMTP server for the tests (smtp-server on 127.0.0.1, port 0): every message it accepts is
 * parsed with mailparser and kept. Addresses in `refuse` are answered 550 at RCPT TO.
 */
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface Received {
  to: string;
  subject: string;
  text: string;
}

export interface TestSmtp {
  url: string;
  received: Received[];
  /** Resolves once `count` messages have arrived (rejects after `ms`, with what has arrived). */
  waitFor(count: number, ms?: number): Promise<Received[]>;
  close(): Promise<void>;
}

export async function startSmtp(options: { refuse?: readonly string[] } = {}): Promise<TestSmtp> {
  const received: Received[] = [];
  const refuse = new Set((options.refuse ?? []).map((a) => a.toLowerCase()));
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (refuse.has(address.address.toLowerCase())) {
        const error = Object.assign(new Error('5.1.1 Mailbox unavailable: no such user here'), { responseCode: 550 });
        return callback(error);
      }
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          const to = session.envelope.rcptTo.map((r) => r.address.toLowerCase()).join(',');
          received.push({ to, subject: mail.subject ?? '', text: mail.text ?? '' });
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as { port: number }).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    async waitFor(count, ms = 60_000) {
      const until = Date.now() + ms;
      while (received.length < count) {
        if (Date.now() > until) throw new Error(`only ${received.length} of ${count} messages arrived`);
        await new Promise((r) => setTimeout(r, 25));
      }
      return received;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The invitation link in a received mail's text. */
export function linkIn(text: string): string {
  const match = /(https?:\/\/[^\s]+\/i\/[A-Za-z0-9_-]{22})/.exec(text);
  if (!match) throw new Error(`no link in:\n${text}`);
  return match[1]!;
}
