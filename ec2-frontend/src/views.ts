/**
 * The EJS templates, compiled once at start. A request then runs a compiled function: no file
 * lookups, no `with` scope, no per-line debug bookkeeping (the render path's largest costs when
 * profiled). A missing or broken template stops the start instead of failing every page.
 *
 * Templates are strict: each names the data it uses from `locals`. Pages call their partials
 * as functions (`partials.field({...})`) and pass each one exactly what it shows.
 */
import ejs from 'ejs';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export type Template = (data: object) => string;

export interface CompiledViews {
  /** `views/partials/<name>.ejs`, by name. */
  readonly partials: Readonly<Record<string, Template>>;
  /** One partial, for rendering at start; a missing one stops the start, naming its file. */
  partial(name: string): Template;
  /** An Express view engine that renders the compiled page at the path Express resolved. */
  readonly engine: (file: string, data: object, done: (err: Error | null, html?: string) => void) => void;
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' };
const SPECIAL = /[&<>"']/;
const SPECIALS = /[&<>"']/g;

/** What `<%= %>` does: EJS's own escaping, with a fast path for the common value that needs none. */
export function escapeHtml(value: unknown): string {
  if (value === undefined || value === null) return '';
  const text = String(value);
  return SPECIAL.test(text) ? text.replace(SPECIALS, (c) => ENTITIES[c] as string) : text;
}

function compileFile(file: string): Template {
  return ejs.compile(readFileSync(file, 'utf8'), {
    filename: file,
    strict: true,
    compileDebug: false,
    escape: escapeHtml,
  }) as Template;
}

function templatesIn(dir: string): Map<string, Template> {
  let names: string[];
  try {
    names = readdirSync(dir).filter((f) => f.endsWith('.ejs'));
  } catch (err) {
    throw new Error(`the frontend's templates are missing: cannot read ${dir} (${(err as Error).message})`);
  }
  return new Map(names.map((f) => [path.join(dir, f), compileFile(path.join(dir, f))]));
}

export function compileViews(viewsDir: string): CompiledViews {
  const pages = templatesIn(viewsDir);
  if (pages.size === 0) throw new Error(`the frontend's templates are missing: no .ejs file in ${viewsDir}`);
  const partials = Object.fromEntries(
    [...templatesIn(path.join(viewsDir, 'partials'))].map(([file, fn]) => [path.basename(file, '.ejs'), fn]),
  );
  return {
    partials,
    partial: (name) => {
      const fn = partials[name];
      if (!fn) throw new Error(`the frontend's template ${path.join(viewsDir, 'partials', `${name}.ejs`)} is missing`);
      return fn;
    },
    engine: (file, data, done) => {
      const page = pages.get(file);
      if (!page) return done(new Error(`no compiled template ${path.basename(file)}`));
      let html: string;
      try {
        html = page(data);
      } catch (err) {
        return done(err as Error);
      }
      done(null, html);
    },
  };
}
