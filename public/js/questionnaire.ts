/**
 * Progressive enhancement for a questionnaire page: conditional questions appear and disappear
 * as the respondent answers, decided by the same showIf evaluator the server uses.
 * Without this script every question of the page is shown and the server skips what is hidden.
 * Bundled by esbuild at app start (src/http/assets.ts); the page's conditions come from
 * <script type="application/json" id="betingelser">.
 */
import { isQuestionVisible } from '../../src/survey/condition.ts';
import type { TAnswerValue, TAnswers, TQuestion } from '../../src/survey/schema.ts';

interface PageQuestion {
  id: string;
  type: TQuestion['type'];
  showIf: TQuestion['showIf'] | null;
}

interface PageData {
  earlier: TAnswers;
  questions: PageQuestion[];
}

function readPageData(): PageData | undefined {
  const element = document.getElementById('betingelser');
  if (!element?.textContent) return undefined;
  try {
    return JSON.parse(element.textContent) as PageData;
  } catch {
    return undefined;
  }
}

function fieldsOf(form: HTMLFormElement, name: string): (HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement)[] {
  return Array.from(form.elements).filter(
    (el): el is HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement =>
      (el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement) && el.name === name,
  );
}

function readValue(form: HTMLFormElement, q: PageQuestion): TAnswerValue | undefined {
  const fields = fieldsOf(form, q.id);
  if (q.type === 'multi') {
    const codes = fields.filter((f) => f instanceof HTMLInputElement && f.checked).map((f) => f.value);
    return codes.length > 0 ? codes : undefined;
  }
  if (q.type === 'single' || q.type === 'scale') {
    const checked = fields.find((f) => f instanceof HTMLInputElement && f.checked);
    return checked ? checked.value : undefined;
  }
  const value = fields[0]?.value.trim() ?? '';
  return value === '' ? undefined : value;
}

function setShown(container: HTMLElement, shown: boolean): void {
  container.hidden = !shown;
  for (const field of Array.from(container.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>('input, select, textarea'))) {
    field.disabled = !shown;
  }
}

function update(form: HTMLFormElement, data: PageData): void {
  const answers: TAnswers = { ...data.earlier };
  for (const q of data.questions) {
    const container = document.getElementById(`q-${q.id}`);
    const question = { id: q.id, type: q.type, showIf: q.showIf ?? undefined } as unknown as TQuestion;
    const shown = isQuestionVisible(question, answers);
    if (container) setShown(container, shown);
    if (shown) {
      const value = readValue(form, q);
      if (value !== undefined) answers[q.id] = value;
    }
  }
}

/**
 * "Andet, angiv": the text box shows while its option is chosen, and typing in it chooses the option
 * (without this script the box is always shown, and the server chooses "Andet" for a typed text).
 */
function otherBoxes(form: HTMLFormElement): () => void {
  const boxes = Array.from(form.querySelectorAll<HTMLElement>('.other-text')).map((box) => {
    const text = box.querySelector<HTMLInputElement>('input[type="text"]');
    const option = box.previousElementSibling?.querySelector<HTMLInputElement>('input[type="radio"], input[type="checkbox"]') ?? null;
    return { box, text, option };
  });
  for (const { text, option } of boxes) {
    text?.addEventListener('input', () => {
      if (option && text.value.trim() !== '' && !option.checked) {
        option.checked = true;
        option.dispatchEvent(new Event('change', { bubbles: true }));
      }
    });
  }
  return () => {
    for (const { box, text, option } of boxes) {
      if (!option || !text) continue;
      box.hidden = !option.checked && text.value.trim() === '';
    }
  };
}

function start(): void {
  document.documentElement.classList.add('js');
  const summary = document.getElementById('fejlopsummering');
  if (summary) summary.focus();
  const form = document.getElementById('spoergeskema');
  const data = readPageData();
  if (!(form instanceof HTMLFormElement) || !data) return;
  const others = otherBoxes(form);
  const refresh = () => {
    update(form, data);
    others();
  };
  form.addEventListener('change', refresh);
  form.addEventListener('input', refresh);
  refresh();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
