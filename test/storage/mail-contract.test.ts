/**
 * The storage contract of MailPort (contacts, the outbox, the texts): what every adapter in
 * ./adapters.ts does, as the use cases and the sender notice it.
 */
import { describe, expect, it } from 'vitest';
import { messageId, type NewMessage, type TContact } from '../../src/mail/schema.ts';
import { defaultTexts } from '../../src/mail/texts.ts';
import type { Store } from '../../src/storage/index.ts';
import { adapters, storesPerTest } from './adapters.ts';

const contact = (municipality: string, email: string, overrides: Partial<TContact> = {}): TContact => ({ study: 'integration', questionnaire: 'ledere', municipality, email, ...overrides });

const message = (recipient: string, overrides: Partial<NewMessage> = {}): NewMessage => ({
  id: messageId(),
  study: 'integration',
  questionnaire: 'ledere',
  municipality: '851',
  kind: 'invitation',
  recipient,
  subject: 'Invitation',
  body: 'Brug dette link: http://praksis.example/i/x',
  queuedDay: '2016-05-01',
  nextAttemptAt: 1_000,
  dedupe: `inv|${recipient}`,
  ...overrides,
});

describe.each(adapters)('the $name mail store', (adapter) => {
  const { open, reopen } = storesPerTest(adapter);

  it('adds contacts once (a new name counts as added), sorted, kept across a reopen', async () => {
    let store = await open();
    expect(await store.mail.addContacts([contact('851', 'b@kommune.dk'), contact('101', 'a@kommune.dk', { name: 'Anne' })])).toEqual({ added: 2, unchanged: 0 });
    expect(await store.mail.addContacts([contact('851', 'b@kommune.dk'), contact('101', 'a@kommune.dk', { name: 'Anne Jensen' }), contact('147', 'c@kommune.dk')])).toEqual({ added: 2, unchanged: 1 });
    store = await reopen(store);
    expect(await store.mail.contacts('integration')).toEqual([contact('101', 'a@kommune.dk', { name: 'Anne Jensen' }), contact('147', 'c@kommune.dk'), contact('851', 'b@kommune.dk')]);
    expect(await store.mail.contacts('other')).toEqual([]);
  });

  it('refuses a contact that breaks the schema and stores none of the call', async () => {
    const store = await open();
    await expect(store.mail.addContacts([contact('851', 'ok@kommune.dk'), contact('851', 'not an address')])).rejects.toThrow();
    expect(await store.mail.contacts('integration')).toEqual([]);
  });

  it('queues a message once per dedupe key and lists it without losing a field', async () => {
    let store = await open();
    const first = message('a@kommune.dk', { name: 'Anne' });
    expect(await store.mail.queue([first, message('b@kommune.dk')], '2016-05-01')).toBe(2);
    expect(await store.mail.queue([message('a@kommune.dk'), message('c@kommune.dk')], '2016-05-02')).toBe(1);
    store = await reopen(store);
    const all = await store.mail.messages('integration');
    expect(all.map((m) => m.recipient)).toEqual(['a@kommune.dk', 'b@kommune.dk', 'c@kommune.dk']);
    expect(all[0]).toEqual({ ...first, status: 'queued', statusDay: '2016-05-01', attempts: 0 });
  });

  it('claims due messages one at a time, each once, and settles them', async () => {
    const store = await open();
    await store.mail.queue([message('a@kommune.dk'), message('b@kommune.dk', { nextAttemptAt: 5_000 })], '2016-05-01');
    const claimed = await store.mail.claim(2_000, 60_000);
    expect(claimed).toMatchObject({ recipient: 'a@kommune.dk', status: 'sending', attempts: 1 });
    expect(await store.mail.claim(2_000, 60_000)).toBeUndefined(); // b is not due, a is claimed
    await store.mail.settle(claimed!.id, { status: 'sent', day: '2016-05-02' });
    const b = await store.mail.claim(6_000, 60_000);
    expect(b).toMatchObject({ recipient: 'b@kommune.dk' });
    await store.mail.settle(b!.id, { status: 'queued', day: '2016-05-02', error: '421 try later', nextAttemptAt: 10_000 });
    expect(await store.mail.claim(9_000, 60_000)).toBeUndefined();
    const again = await store.mail.claim(10_000, 60_000);
    expect(again).toMatchObject({ recipient: 'b@kommune.dk', attempts: 2, lastError: '421 try later' });
    await store.mail.settle(again!.id, { status: 'failed', day: '2016-05-03', error: '550 no such user' });
    expect((await store.mail.messages('integration')).map((m) => [m.recipient, m.status, m.statusDay, m.lastError])).toEqual([
      ['a@kommune.dk', 'sent', '2016-05-02', undefined],
      ['b@kommune.dk', 'failed', '2016-05-03', '550 no such user'],
    ]);
  });

  it('settles a claimed reminder as cancelled (its link was used meanwhile), and never claims it again', async () => {
    const store = await open();
    await store.mail.queue([message('a@kommune.dk')], '2016-05-01');
    const claimed = await store.mail.claim(2_000, 60_000);
    await store.mail.settle(claimed!.id, { status: 'cancelled', day: '2016-05-02' });
    expect(await store.mail.claim(200_000, 60_000)).toBeUndefined();
    expect((await store.mail.messages('integration')).map((m) => [m.status, m.statusDay])).toEqual([['cancelled', '2016-05-02']]);
  });

  it('gives each of 20 messages to exactly one of many concurrent claims', async () => {
    const store = await open();
    await store.mail.queue(Array.from({ length: 20 }, (_, i) => message(`p${i}@kommune.dk`)), '2016-05-01');
    const claims = await Promise.all(Array.from({ length: 30 }, () => store.mail.claim(2_000, 60_000)));
    const ids = claims.filter((c) => c !== undefined).map((c) => c!.id);
    expect(ids).toHaveLength(20);
    expect(new Set(ids).size).toBe(20);
  });

  it('claims a message again once its lease has run out (its sender died)', async () => {
    const store = await open();
    await store.mail.queue([message('a@kommune.dk')], '2016-05-01');
    const first = await store.mail.claim(2_000, 60_000);
    expect(await store.mail.claim(30_000, 60_000)).toBeUndefined();
    expect(await store.mail.claim(62_001, 60_000)).toMatchObject({ id: first!.id, attempts: 2 });
  });

  it('deletes every contact and message of one study in one action, and only those', async () => {
    let store = await open();
    await store.mail.addContacts([contact('851', 'a@kommune.dk'), contact('851', 'x@kommune.dk', { study: 'other' })]);
    await store.mail.queue([message('a@kommune.dk'), message('x@kommune.dk', { study: 'other', dedupe: 'other' })], '2016-05-01');
    expect(await store.mail.deleteStudy('integration')).toEqual({ contacts: 1, messages: 1 });
    store = await reopen(store);
    expect(await store.mail.contacts('integration')).toEqual([]);
    expect(await store.mail.messages('integration')).toEqual([]);
    expect((await store.mail.contacts('other')).map((c) => c.email)).toEqual(['x@kommune.dk']);
    expect((await store.mail.messages('other')).map((m) => m.recipient)).toEqual(['x@kommune.dk']);
  });

  it('keeps the texts per questionnaire across a reopen', async () => {
    let store = await open();
    expect(await store.mail.texts('integration', 'ledere')).toBeUndefined();
    const texts = { ...defaultTexts('Ledere'), contact: 'Anne Jensen, tlf. 12 34 56 78', schedule: [7, 14] };
    await store.mail.setTexts('integration', 'ledere', texts);
    store = await reopen(store);
    expect(await store.mail.texts('integration', 'ledere')).toEqual(texts);
    expect(await store.mail.texts('integration', 'praktikere')).toBeUndefined();
  });
});
