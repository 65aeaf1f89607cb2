/**
 * Settings in `settings.json` (lowdb, written durably; see ./document.ts). `read` gives a frozen
 * copy, made once per change (every request reads the settings: the sign-in secrets, the demo banner);
 * `update` changes a copy, validates it with ZSettings and stores it before it resolves. Updates
 * run one after another, so concurrent updates never undo each other.
 */
import type { SettingsPort } from '../ports.ts';
import { ZSettings, type Settings } from '../settings.ts';
import { JsonDocument } from './document.ts';
import type { FileIO } from './io.ts';

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') for (const inner of Object.values(value)) deepFreeze(inner);
  return Object.freeze(value);
}

export class FileSettings implements SettingsPort {
  readonly #doc: JsonDocument<Settings>;

  private constructor(doc: JsonDocument<Settings>) {
    this.#doc = doc;
  }

  static async open(file: string, io: FileIO): Promise<FileSettings> {
    return new FileSettings(await JsonDocument.open(file, ZSettings, 'settings', io));
  }

  /** The frozen copy of the data it was made from (remade when a change replaced the data). */
  #frozen: { of: Settings; copy: Readonly<Settings> } | undefined;

  async read(): Promise<Readonly<Settings>> {
    const data = this.#doc.data;
    if (this.#frozen?.of !== data) this.#frozen = { of: data, copy: deepFreeze(structuredClone(data)) };
    return this.#frozen.copy;
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
