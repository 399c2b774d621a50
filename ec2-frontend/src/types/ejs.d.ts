/**
 * The part of EJS 7 the frontend uses. EJS ships no types, and `@types/ejs` describes EJS 3;
 * this names only what `views.ts` and its test call, as EJS 7's documentation states it.
 */
declare module 'ejs' {
  export interface Options {
    /** The template's file, for errors that name it. */
    filename?: string;
    /** No `with` scope: a template reads its data from `locals`. */
    strict?: boolean;
    /** Line-by-line bookkeeping for error messages, at a cost per render. */
    compileDebug?: boolean;
    /** What `<%= %>` escapes with. */
    escape?: (value: unknown) => string;
  }
  /** A compiled template: data in, HTML out. */
  export type TemplateFunction = (data?: object) => string;
  export function compile(template: string, options?: Options): TemplateFunction;
  /** EJS's own escaping of `&<>"'`. */
  export function escapeXML(text: string): string;
  const ejs: { compile: typeof compile; escapeXML: typeof escapeXML };
  export default ejs;
}
