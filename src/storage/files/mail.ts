/**
 * E-mail fieldwork in `mail.json` (lowdb, written durably; see ./document.ts): contacts, the outbox
 * and the texts. Apart from fieldwork.json and the responses: deleting a study's contacts rewrites
 * this file without any of its addresses (temp file and rename, so no copy is left behind).
 *
 * One process owns a data directory, so a message left `sending` by a crash is queued again at open:
 * at most the one message in flight is sent twice.
 */
import { ZContact, ZMailData, ZMailTexts, type NewMessage, type TContact, type TMailData, type TMailTexts, type TMessage } from '../../mail/schema.ts';
import { checkDocument, type ContactsAdded, type MailPort } from '../ports.ts';
import { JsonDocument } from './document.ts';
import type { FileIO } from './io.ts';

const contactKey = (c: TContact) => `${c.study}|${c.questionnaire}|${c.municipality}|${c.email}`;
const byContact = (a: TContact, b: TContact) => a.study.localeCompare(b.study) || a.questionnaire.localeCompare(b.questionnaire) || a.municipality.localeCompare(b.municipality) || a.email.localeCompare(b.email);
const byMessage = (a: TMessage, b: TMessage) =>
  a.study.localeCompare(b.study) || a.questionnaire.localeCompare(b.questionnaire) || a.municipality.localeCompare(b.municipality) || a.recipient.localeCompare(b.recipient) || a.kind.localeCompare(b.kind) || a.dedupe.localeCompare(b.dedupe);
const textsKey = (study: string, questionnaire: string) => `${study}/${questionnaire}`;

export class FileMail implements MailPort {
  readonly #doc: JsonDocument<TMailData>;

  private constructor(doc: JsonDocument<TMailData>) {
    this.#doc = doc;
  }

  static async open(file: string, io: FileIO): Promise<FileMail> {
    const mail = new FileMail(await JsonDocument.open(file, ZMailData, 'e-mail data', io));
    // Left `sending` by a process that stopped: this process is the only sender now.
    if (mail.#doc.data.messages.some((m) => m.status === 'sending')) {
      await mail.#doc.change((data) => {
        for (const m of data.messages) if (m.status === 'sending') (m.status = 'queued'), delete m.leaseUntil;
      });
    }
    return mail;
  }

  async contacts(study: string): Promise<TContact[]> {
    return structuredClone(this.#doc.data.contacts.filter((c) => c.study === study));
  }

  async addContacts(contacts: readonly TContact[]): Promise<ContactsAdded> {
    const next = contacts.map((c) => ZContact.parse(c));
    return this.#doc.change((data) => {
      const at = new Map(data.contacts.map((c, i) => [contactKey(c), i]));
      let added = 0;
      for (const c of next) {
        const i = at.get(contactKey(c));
        if (i === undefined) {
          at.set(contactKey(c), data.contacts.push(c) - 1);
          added += 1;
        } else if (data.contacts[i]!.name !== c.name) {
          data.contacts[i] = c;
          added += 1;
        }
      }
      data.contacts.sort(byContact);
      return { added, unchanged: next.length - added };
    });
  }

  deleteStudy(study: string): Promise<{ contacts: number; messages: number }> {
    return this.#doc.change((data) => {
      const before = { contacts: data.contacts.length, messages: data.messages.length };
      data.contacts = data.contacts.filter((c) => c.study !== study);
      data.messages = data.messages.filter((m) => m.study !== study);
      return { contacts: before.contacts - data.contacts.length, messages: before.messages - data.messages.length };
    });
  }

  async queue(messages: readonly NewMessage[], day: string): Promise<number> {
    return this.#doc.change((data) => {
      const keys = new Set(data.messages.map((m) => m.dedupe));
      let queued = 0;
      for (const m of messages) {
        if (keys.has(m.dedupe)) continue;
        keys.add(m.dedupe);
        data.messages.push({ ...m, status: 'queued', statusDay: day, attempts: 0 });
        queued += 1;
      }
      data.messages.sort(byMessage);
      return queued;
    });
  }

  async messages(study: string): Promise<TMessage[]> {
    return structuredClone(this.#doc.data.messages.filter((m) => m.study === study));
  }

  claim(now: number, leaseMs: number): Promise<TMessage | undefined> {
    return this.#doc.serial(async () => {
      const due = this.#doc.data.messages
        .filter((m) => (m.status === 'queued' && m.nextAttemptAt <= now) || (m.status === 'sending' && (m.leaseUntil ?? 0) <= now))
        .sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.id.localeCompare(b.id))[0];
      if (!due) return undefined;
      const data = structuredClone(this.#doc.data);
      const target = data.messages.find((m) => m.id === due.id)!;
      target.status = 'sending';
      target.leaseUntil = now + leaseMs;
      target.attempts += 1;
      await this.#doc.commit(data);
      return structuredClone(target);
    });
  }

  async settle(id: string, outcome: { status: 'sent' | 'cancelled' | 'failed' | 'queued'; day: string; error?: string; nextAttemptAt?: number }): Promise<void> {
    await this.#doc.change((data) => {
      const target = data.messages.find((m) => m.id === id);
      if (!target) return; // deleted with its study meanwhile
      target.status = outcome.status;
      target.statusDay = outcome.day;
      delete target.leaseUntil;
      if (outcome.error !== undefined) target.lastError = outcome.error;
      if (outcome.nextAttemptAt !== undefined) target.nextAttemptAt = outcome.nextAttemptAt;
    });
  }

  async texts(study: string, questionnaire: string): Promise<TMailTexts | undefined> {
    const found = this.#doc.data.texts[textsKey(study, questionnaire)];
    return found && structuredClone(found);
  }

  async setTexts(study: string, questionnaire: string, texts: TMailTexts): Promise<void> {
    const next = ZMailTexts.parse(texts);
    await this.#doc.change((data) => {
      data.texts[textsKey(study, questionnaire)] = next;
    });
  }

  /** The whole document, for `praksis copy` (TransferPort.mailData). */
  async data(): Promise<TMailData> {
    return structuredClone(this.#doc.data);
  }

  /** Replaces an EMPTY document with `data` (validated) in one durable write, for `praksis copy`. */
  async load(data: TMailData): Promise<void> {
    const parsed = checkDocument(ZMailData, data, 'e-mail data');
    return this.#doc.serial(async () => {
      const { contacts, messages, texts } = this.#doc.data;
      if (contacts.length > 0 || messages.length > 0 || Object.keys(texts).length > 0) throw new Error(`${this.#doc.file} already holds e-mail data; it is not overwritten`);
      await this.#doc.commit({ ...parsed, contacts: [...parsed.contacts].sort(byContact), messages: [...parsed.messages].sort(byMessage) });
    });
  }

  close(): Promise<void> {
    return this.#doc.close();
  }
}
