/**
 * Settings in `settings.json` (lowdb, written durably; see ./document.ts). `read` gives a copy;
 * `update` changes a copy, validates it with ZSettings and stores it before it resolves. Updates
 * run one after another, so concurrent updates never undo each other.
 */
import type { SettingsPort } from '../ports.ts';
import { ZSettings, type Settings } from '../settings.ts';
import { JsonDocument } from './document.ts';
import type { FileIO } from './io.ts';

export class FileSettings implements SettingsPort {
  readonly #doc: JsonDocument<Settings>;

  private constructor(doc: JsonDocument<Settings>) {
    this.#doc = doc;
  }

  static async open(file: string, io: FileIO): Promise<FileSettings> {
    return new FileSettings(await JsonDocument.open(file, ZSettings, 'settings', io));
  }

  async read(): Promise<Settings> {
    return structuredClone(this.#doc.data);
  }

  async update(mutate: (settings: Settings) => void): Promise<Settings> {
    return this.#doc.serial(async () => {
      const draft = structuredClone(this.#doc.data);
      mutate(draft);
      await this.#doc.commit(draft);
      return structuredClone(this.#doc.data);
    });
  }

  close(): Promise<void> {
    return this.#doc.close();
  }
}
