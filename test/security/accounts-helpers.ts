/** Test helpers for accounts: users made through the real API (the old shared key acts as an admin). */
import { API_KEY, Client, csrfTokenOf, type Running } from '../http/helpers.ts';

export const bearer = (key: string) => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json' });

export interface MadeUser {
  id: string;
  login: string;
  password: string;
}

/** Adds a user through POST /api/v1/users and returns its id and one-time password. */
export async function makeUser(app: Running, login: string, role: string, studies: string[] = []): Promise<MadeUser> {
  const res = await fetch(app.url + '/api/v1/users', { method: 'POST', headers: bearer(API_KEY), body: JSON.stringify({ name: `Test ${login}`, login, role, studies }) });
  if (res.status !== 201) throw new Error(`could not add ${login}: ${res.status} ${await res.text()}`);
  const { id, password } = (await res.json()) as { id: string; password: string };
  return { id, login, password };
}

/** A client signed in as `user` (through the login form). */
export async function signedIn(app: Running, user: { login: string; password: string }): Promise<Client> {
  const client = new Client(app.url);
  const html = await (await client.get('/admin/login')).text();
  const res = await client.postForm('/admin/login', { _csrf: csrfTokenOf(html), login: user.login, password: user.password });
  if (res.status !== 303) throw new Error(`sign-in of ${user.login} failed: ${res.status}`);
  return client;
}

/** A personal API key for the user, made by the user's own key-less admin route (the shared key). */
export async function makeKey(app: Running, userId: string, name = 'test'): Promise<string> {
  const res = await fetch(`${app.url}/api/v1/users/${userId}/keys`, { method: 'POST', headers: bearer(API_KEY), body: JSON.stringify({ name }) });
  if (res.status !== 201) throw new Error(`could not make a key: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { key: string }).key;
}

/** The CSRF token of a signed-in page of the client. */
export async function tokenOf(client: Client, path = '/admin/account'): Promise<string> {
  return csrfTokenOf(await (await client.get(path)).text());
}
