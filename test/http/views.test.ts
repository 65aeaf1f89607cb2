/** Which locals a template reads (src/http/views.ts): bound as plain variables when it is compiled. */
import { describe, expect, it } from 'vitest';
import { templateLocals } from '../../src/http/views.ts';

describe('templateLocals', () => {
  it('lists the names a template reads, not properties, keywords, globals, strings or what it declares', () => {
    const source = [
      "<%- include('/partials/head', { script: '/assets/x.js' }) %>",
      '<% const open = studies.filter((s) => s.open); %>',
      "<h1><%= title %></h1><%# a comment names nothing %><p><%= `${count} svar` %> <%= 'studies' %></p>",
      '<% if (locals.demo) { %><%= JSON.stringify(demo.responses) %><% } %>',
    ].join('\n');
    expect(templateLocals(source)).toEqual(['count', 'demo', 's', 'script', 'studies', 'title']);
  });
});
