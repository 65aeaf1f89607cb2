/**
 * The background sender: takes one due message at a time from the outbox (MailPort.claim: on
 * PostgreSQL each message goes to exactly one instance), re-checks a reminder at send time, sends it
 * and records the outcome. At most `perMinute` messages a minute. After a crash the message in flight
 * is claimed again (its lease runs out, or the file store queues it again at open), so no message is
 * lost and at most that one is sent twice.
 *
 * Failures are recorded per message with the server's reply: a 5xx reply is permanent (failed), any
 * other is tried again with back-off (src/mail/schema.ts afterFailure). Addresses are never logged.
 */
import { afterFailure } from '../mail/schema.ts';
import { SendFailure, type MailTransport } from '../mail/transport.ts';
import type { Context } from './context.ts';
import { queueScheduledReminders, stillWanted } from './mail.ts';

export interface OutboxOptions {
  transport: MailTransport;
  /** The sender address (PRAKSIS_MAIL_FROM). */
  from: string;
  /** Messages per minute at most (default 60). */
  perMinute?: number;
  /** How long to wait when nothing is due, in ms (default 2000). */
  pollMs?: number;
  /** How long a claimed message is this sender's (default 5 minutes: longer than any SMTP attempt). */
  leaseMs?: number;
  /** How often the reminder schedule is checked, in ms (default 1 hour; also at start). */
  scheduleEveryMs?: number;
}

export interface Outbox {
  /** Stops after the message in flight (if any) is settled; resolves then. */
  stop(): Promise<void>;
}

export function startOutbox(ctx: Context, options: OutboxOptions): Outbox {
  const interval = 60_000 / (options.perMinute ?? 60);
  const pollMs = options.pollMs ?? 2000;
  const leaseMs = options.leaseMs ?? 300_000;
  const scheduleEveryMs = options.scheduleEveryMs ?? 3_600_000;
  let stopped = false;
  let wake: (() => void) | undefined;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  let nextSchedule = 0;

  async function once(): Promise<boolean> {
    if (Date.now() >= nextSchedule) {
      nextSchedule = Date.now() + scheduleEveryMs;
      await queueScheduledReminders(ctx);
    }
    const message = await ctx.store.mail.claim(Date.now(), leaseMs);
    if (!message) return false;
    if (!(await stillWanted(ctx, message))) {
      await ctx.store.mail.settle(message.id, { status: 'cancelled', day: ctx.today() });
      return true;
    }
    try {
      await options.transport.send({ from: options.from, to: message.name ? `"${message.name.replace(/["\\]/g, '')}" <${message.recipient}>` : message.recipient, subject: message.subject, text: message.body });
      await ctx.store.mail.settle(message.id, { status: 'sent', day: ctx.today() });
    } catch (error) {
      const failure = error instanceof SendFailure ? error : new SendFailure((error as Error).message ?? String(error), undefined);
      const next = afterFailure(message.attempts, failure.responseCode, Date.now());
      await ctx.store.mail.settle(message.id, { status: next.permanent ? 'failed' : 'queued', day: ctx.today(), error: failure.reply.slice(0, 1000), nextAttemptAt: next.nextAttemptAt });
    }
    return true;
  }

  const loop = (async () => {
    while (!stopped) {
      let worked = false;
      try {
        worked = await once();
      } catch (error) {
        // The store failed (e.g. the database is away): wait and try again. No address is in the message.
        console.warn(`praksis: the e-mail sender could not reach the store (${(error as Error).message}); it tries again`);
      }
      if (!stopped) await pause(worked ? interval : pollMs);
    }
  })();

  return {
    async stop() {
      stopped = true;
      wake?.();
      await loop;
      options.transport.close();
    },
  };
}
