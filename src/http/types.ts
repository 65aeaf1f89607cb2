/**
 * What the HTTP layer needs from the store and the loaded definitions.
 */
import type { TFrame } from '../frame/schema.ts';
import type { TAnswers, TResponse, TStudy } from '../survey/schema.ts';

export interface Settings {
  adminPasswordHash?: string;
  apiKeyHash?: string;
  sessionSecret?: string;
  demo?: { loadedAt: string; responses: number };
}

export interface SettingsAccess {
  read(): Settings;
  update(mutate: (settings: Settings) => void): Promise<unknown>;
}

export interface Definitions {
  studies: TStudy[];
  frames: Map<string, TFrame>;
}

/** A response before the store gives it an id and the submission day. */
export interface NewResponse {
  study: string;
  questionnaire: string;
  version: number;
  municipality: string;
  answers: TAnswers;
}

export interface ResponsesAccess {
  add(response: NewResponse, submissionId?: string): Promise<{ id: string; created: boolean }>;
  addMany(responses: TResponse[]): Promise<unknown>;
  count(filter?: { study?: string; questionnaire?: string }): number | Promise<number>;
  list(filter?: { study?: string; questionnaire?: string }): TResponse[] | Promise<TResponse[]>;
}

export interface StoreAccess {
  responses: ResponsesAccess;
  settings: SettingsAccess;
  close(): Promise<unknown> | void;
}
