/**
 * Sending one e-mail over SMTP with nodemailer (PRAKSIS_SMTP_URL). The only code that talks to a
 * mail server; the outbox (src/services/outbox.ts) decides what, when and how often.
 */
import nodemailer from 'nodemailer';

export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
}

/** A failed attempt: the SMTP server's reply (or the connection error) and its reply code, if any. */
export class SendFailure extends Error {
  constructor(
    readonly reply: string,
    readonly responseCode: number | undefined,
  ) {
    super(reply);
    this.name = 'SendFailure';
  }
}

export interface MailTransport {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

/** A transport over SMTP (one pooled connection). */
export function smtpTransport(url: string): MailTransport {
  const transporter = nodemailer.createTransport(url);
  return {
    async send(mail) {
      try {
        const info = await transporter.sendMail({ from: mail.from, to: mail.to, subject: mail.subject, text: mail.text });
        if (info.rejected.length > 0) throw new SendFailure(String(info.response ?? 'recipient rejected'), 550);
      } catch (error) {
        if (error instanceof SendFailure) throw error;
        const e = error as { response?: unknown; responseCode?: unknown; message?: string; code?: string };
        const code = typeof e.responseCode === 'number' ? e.responseCode : undefined;
        throw new SendFailure(typeof e.response === 'string' && e.response ? e.response : `${e.code ?? 'error'}: ${e.message ?? String(error)}`, code);
      }
    },
    close() {
      transporter.close();
    },
  };
}
