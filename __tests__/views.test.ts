/**
 * The compiled templates: `<%= %>` escapes exactly as EJS's own escaping does, and partials
 * render only the data they are given (strict templates, no shared scope).
 */
import ejs from 'ejs';
import fc from 'fast-check';
import path from 'node:path';
import { compileViews, escapeHtml } from '../ec2-frontend/src/views';

const VIEWS = path.join(__dirname, '..', 'ec2-frontend', 'views');

test('escapeHtml is EJS escapeXML for any value, and the empty string for undefined and null', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ unit: 'grapheme' }), fc.stringMatching(/^[&<>"'a ]*$/), fc.integer()), (v) => {
      expect(escapeHtml(v)).toBe(ejs.escapeXML(String(v)));
    }),
  );
  expect([escapeHtml(undefined), escapeHtml(null), escapeHtml(0)]).toEqual(['', '', '0']);
  expect(escapeHtml(`<script>alert("x&'y")</script>`)).toBe(
    '&lt;script&gt;alert(&#34;x&amp;&#39;y&#34;)&lt;/script&gt;',
  );
});

test('a field renders its value escaped, and only the attributes it is given', () => {
  const { partial } = compileViews(VIEWS);
  const html = partial('field')({ name: 'name', label: 'Full name', type: 'text', value: '"><b>x</b>' });
  expect(html).toContain('value="&#34;&gt;&lt;b&gt;x&lt;/b&gt;"');
  expect(html).toContain(' required');
  expect(html).not.toMatch(/inputmode|autocomplete|maxlength|spellcheck|list=|aria-describedby|aria-invalid/);

  const invalid = partial('field')({
    name: 'age',
    label: 'Age',
    type: 'text',
    value: '',
    hint: 'In years',
    error: 'Enter your age',
    optional: true,
  });
  expect(invalid).toContain('aria-describedby="age-hint age-error"');
  expect(invalid).toContain('aria-invalid="true"');
  expect(invalid).not.toContain(' required');
});

test('the country suggestions are rendered once, escaped', () => {
  const html = compileViews(VIEWS).partial('countries')({ countries: ['Norway', 'Côte d’Ivoire', 'A & B'] });
  expect(html.trim()).toBe('<option value="Norway"><option value="Côte d’Ivoire"><option value="A &amp; B">');
});
