/**
 * The EJS views in views/: compiled once at start, each with the names it reads from its locals
 * bound as plain variables (`destructuredLocals`) instead of EJS's default `with (locals)` block,
 * which V8 cannot optimise (the questionnaire page renders in about half the time). A template's
 * syntax error stops the start instead of failing a respondent's page.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import ejs from 'ejs';
import type { Express } from 'express';
import { rootDir } from '../paths.ts';

const viewsDir = join(rootDir, 'views');

/**
 * How templates are compiled, at start and (for any not compiled then) by res.render alike:
 * includes written as '/partials/head' resolve against views/, no per-line debug bookkeeping.
 */
const EJS_OPTIONS = { root: viewsDir, compileDebug: false } as const;

const KEYWORDS = new Set(
  ('await break case catch class const continue debugger default delete do else export extends false finally for function if import in ' +
    'instanceof let new null of return super switch this throw true try typeof undefined var void while with yield async').split(' '),
);
/** What EJS itself gives a compiled template. */
const EJS_NAMES = new Set(['locals', 'include', 'escapeFn', 'rethrow', '__output', '__append', '__line', '__lines', '__filename', '__locals']);

/** The code of a template's tags with string literals blanked (a template literal keeps its `${…}` code). */
function codeOf(source: string): string {
  const code = [...source.matchAll(/<%([=\-_#]?)([\s\S]*?)[-_]?%>/g)].filter((m) => m[1] !== '#').map((m) => m[2]!);
  return code.map((text) => {
    let out = '';
    for (let i = 0; i < text.length; i += 1) {
      const c = text[i]!;
      if (c !== "'" && c !== '"' && c !== '`') {
        out += c;
        continue;
      }
      for (i += 1; i < text.length && text[i] !== c; i += 1) {
        if (text[i] === '\\') i += 1;
        else if (c === '`' && text[i] === '$' && text[i + 1] === '{') {
          let depth = 0;
          for (i += 1; i < text.length; i += 1) {
            if (text[i] === '{') depth += 1;
            else if (text[i] === '}' && --depth === 0) break;
            else out += text[i];
          }
          out += ' ';
        }
      }
      out += ' ';
    }
    return out;
  }).join('\n');
}

/**
 * The names a template may read from its locals: every identifier in its code that is not a
 * property (after a dot), a keyword, a global, EJS's own or declared in the template. Names too
 * many are harmless (an unused local is undefined); one declared at the template's top level must
 * not be listed (it would be declared twice), so every declared name is left out.
 */
export function templateLocals(source: string): string[] {
  const code = codeOf(source);
  const declared = new Set([...code.matchAll(/\b(?:const|let|var|function)\s+([A-Za-z_$][\w$]*)/g)].map((m) => m[1]!));
  for (const m of code.matchAll(/\b(?:const|let|var)\s*[{[]([^}\]]*)[}\]]/g)) for (const part of m[1]!.split(',')) declared.add(part.split(':').pop()!.trim());
  const names = new Set([...code.matchAll(/(?<![\w$.])([A-Za-z_$][\w$]*)/g)].map((m) => m[1]!));
  return [...names].filter((n) => !KEYWORDS.has(n) && !EJS_NAMES.has(n) && !declared.has(n) && !(n in globalThis)).sort();
}

/** Compiles every template into EJS's cache, where res.render and include() find them. */
export async function compileTemplates(dir = viewsDir): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile() && e.name.endsWith('.ejs')).map((e) => join(e.parentPath, e.name));
  for (const filename of files) {
    const source = await readFile(filename, 'utf8');
    ejs.compile(source, { ...EJS_OPTIONS, root: dir, filename, cache: true, _with: false, localsName: 'locals', destructuredLocals: templateLocals(source) });
  }
  return files.length;
}

/** EJS views from views/, compiled once (compileTemplates). */
export function configureViews(app: Express): void {
  app.set('view engine', 'ejs');
  app.set('views', viewsDir);
  app.set('view cache', true); // templates change only with a release
  app.set('view options', EJS_OPTIONS);
}
