/**
 * Conveniences for the questionnaire editor's question form (views/admin/editor-question.ejs);
 * the form works without them. With this script:
 * - an option's code follows its label as it is typed (codeFromLabel, the server's own function),
 *   until the code is typed by hand; a published code (read-only) never changes;
 * - option rows can be added and removed without a round trip;
 * - the form is checked as it is typed (POST …/edit/check, the same rules as saving): problems
 *   appear next to their fields, and the preview (the respondent page's own markup) is redrawn;
 * - the condition's answer list shows only the options of the question chosen.
 * Bundled by bin/build.js into dist/public/editor.js (served as /assets/editor.js).
 */
import { codeFromLabel } from '../../src/survey/codes.ts';

interface CheckAnswer {
  fields: { message: string; href?: string }[];
  preview: string;
}

const form = document.getElementById('spoergsmaal-form') as HTMLFormElement | null;

function formValues(f: HTMLFormElement): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const put = (key: string, value: string) => {
    const had = out[key];
    out[key] = had === undefined ? value : ([] as string[]).concat(had, value);
  };
  for (const el of Array.from(f.elements)) {
    if (!(el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement)) continue;
    if (!el.name || el.disabled || el.name === '_csrf') continue;
    if (el instanceof HTMLSelectElement) {
      for (const option of Array.from(el.selectedOptions)) put(el.name, option.value);
    } else if (el instanceof HTMLInputElement && (el.type === 'checkbox' || el.type === 'radio')) {
      if (el.checked) put(el.name, el.value);
    } else put(el.name, el.value);
  }
  return out;
}

function codeInputs(): HTMLInputElement[] {
  return Array.from(document.querySelectorAll<HTMLInputElement>('#svarmuligheder .option-code'));
}

/** Makes the row's code follow its label while the code is blank or was made by us. */
function followLabel(row: Element): void {
  const label = row.querySelector<HTMLInputElement>('.option-label');
  const code = row.querySelector<HTMLInputElement>('.option-code');
  if (!label || !code || code.readOnly) return;
  code.dataset.auto = code.value === '' || code.value === codeFromLabel(label.value, []) ? '1' : '0';
  label.addEventListener('input', () => {
    if (code.dataset.auto !== '1') return;
    const taken = codeInputs().filter((c) => c !== code).map((c) => c.value).filter(Boolean);
    code.value = label.value.trim() === '' ? '' : codeFromLabel(label.value, taken);
  });
  code.addEventListener('input', () => {
    code.dataset.auto = code.value === '' ? '1' : '0';
  });
}

function addRemoveButton(row: Element): void {
  // The button replaces the form's "remove when saved" box.
  row.querySelector('.remove-check')?.remove();
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'secondary';
  const number = row.querySelector('label')?.textContent?.split(':')[0] ?? 'svarmuligheden';
  button.textContent = `Fjern ${number.toLowerCase()}`;
  button.addEventListener('click', () => {
    const next = row.nextElementSibling ?? row.previousElementSibling;
    row.remove();
    (next?.querySelector('input') as HTMLInputElement | null)?.focus();
    scheduleCheck();
  });
  row.appendChild(button);
}

/** A new blank option row: a copy of the last one, renumbered. */
function addRow(list: Element): void {
  const rows = list.querySelectorAll('.option-row');
  const last = rows[rows.length - 1];
  if (!last) return;
  const index = Math.max(...Array.from(rows).map((r) => Number((r as HTMLElement).dataset.row ?? 0))) + 1;
  const row = last.cloneNode(true) as HTMLElement;
  row.dataset.row = String(index);
  row.querySelectorAll('.error-message, button').forEach((e) => e.remove());
  const renumber = (text: string) => text.replace(/options\[\d+\]/g, `options[${index}]`).replace(/options-\d+-/g, `options-${index}-`);
  row.querySelectorAll<HTMLInputElement | HTMLLabelElement>('input, label').forEach((el) => {
    if (el instanceof HTMLInputElement) {
      el.name = renumber(el.name);
      el.id = renumber(el.id);
      el.removeAttribute('aria-invalid');
      el.removeAttribute('aria-describedby');
      el.readOnly = false;
      if (el.type === 'checkbox') el.checked = false;
      else el.value = '';
    } else {
      el.htmlFor = renumber(el.htmlFor);
      el.textContent = (el.textContent ?? '').replace(/^Svarmulighed \d+/, `Svarmulighed ${index + 1}`).replace(' (offentliggjort)', '');
    }
  });
  list.appendChild(row);
  followLabel(row);
  addRemoveButton(row);
  row.querySelector<HTMLInputElement>('.option-label')?.focus();
}

/** Shows only the chosen question's options in the condition's answer list. */
function filterConditionValues(): void {
  const question = document.getElementById('f-showIf-question') as HTMLSelectElement | null;
  const values = document.getElementById('f-showIf-values') as HTMLSelectElement | null;
  if (!question || !values) return;
  for (const group of Array.from(values.querySelectorAll<HTMLOptGroupElement>('optgroup'))) {
    const shown = group.dataset.question === question.value;
    group.hidden = !shown;
    if (!shown) for (const option of Array.from(group.querySelectorAll('option'))) option.selected = false;
  }
}

let timer: ReturnType<typeof setTimeout> | undefined;
let sequence = 0;

function scheduleCheck(): void {
  if (timer) clearTimeout(timer);
  timer = setTimeout(() => void check(), 500);
}

function clearLiveProblems(): void {
  document.querySelectorAll('.live-error').forEach((e) => e.remove());
  document.querySelectorAll<HTMLElement>('[data-live-invalid]').forEach((el) => {
    el.removeAttribute('aria-invalid');
    el.removeAttribute('data-live-invalid');
    const ids = (el.getAttribute('aria-describedby') ?? '').split(' ').filter((id) => id && !id.endsWith('-live'));
    if (ids.length > 0) el.setAttribute('aria-describedby', ids.join(' '));
    else el.removeAttribute('aria-describedby');
  });
}

function showLiveProblems(answer: CheckAnswer): void {
  clearLiveProblems();
  const general = document.getElementById('live-problemer');
  const loose: string[] = [];
  for (const item of answer.fields) {
    const target = item.href ? document.getElementById(item.href.slice(1)) : null;
    if (!target) {
      loose.push(item.message);
      continue;
    }
    const message = document.createElement('p');
    message.className = 'error-message live-error';
    message.id = `${target.id}-live`;
    message.textContent = item.message;
    (target.tagName === 'FIELDSET' ? target.querySelector('legend') ?? target : target).insertAdjacentElement(target.tagName === 'FIELDSET' ? 'afterend' : 'beforebegin', message);
    target.setAttribute('aria-invalid', 'true');
    target.setAttribute('data-live-invalid', '');
    target.setAttribute('aria-describedby', [target.getAttribute('aria-describedby'), message.id].filter(Boolean).join(' '));
  }
  if (general) general.textContent = answer.fields.length === 0 ? 'Ingen problemer: spørgsmålet kan gemmes.' : `${answer.fields.length} ${answer.fields.length === 1 ? 'problem' : 'problemer'}${loose.length > 0 ? `: ${loose.join(' ')}` : ''}`;
}

async function check(): Promise<void> {
  if (!form?.dataset.check) return;
  const mine = ++sequence;
  const token = (form.querySelector('input[name="_csrf"]') as HTMLInputElement | null)?.value ?? '';
  try {
    const res = await fetch(form.dataset.check, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': token },
      body: JSON.stringify({ form: formValues(form), question: form.dataset.question ?? '', section: form.dataset.section ?? '' }),
      credentials: 'same-origin',
    });
    if (!res.ok || mine !== sequence) return;
    const answer = (await res.json()) as CheckAnswer;
    showLiveProblems(answer);
    const preview = document.getElementById('editor-forhaandsvisning');
    if (preview && answer.preview.trim() !== '') preview.innerHTML = answer.preview;
  } catch {
    // Offline or refused: the form still saves the ordinary way.
  }
}

if (form) {
  const list = document.getElementById('svarmuligheder');
  if (list) {
    list.querySelectorAll('.option-row').forEach((row) => {
      followLabel(row);
      addRemoveButton(row);
    });
    const add = document.createElement('button');
    add.type = 'button';
    add.className = 'secondary';
    add.textContent = 'Tilføj en svarmulighed';
    add.addEventListener('click', () => addRow(list));
    list.insertAdjacentElement('afterend', add);
  }
  const live = document.createElement('p');
  live.id = 'live-problemer';
  live.className = 'muted';
  live.setAttribute('role', 'status');
  form.querySelector('.top-actions')?.insertAdjacentElement('afterend', live);
  document.getElementById('f-showIf-question')?.addEventListener('change', filterConditionValues);
  filterConditionValues();
  form.addEventListener('input', scheduleCheck);
  form.addEventListener('change', scheduleCheck);
}
