/**
 * Saved views over HTTP, on PGlite and real Postgres: saving, listing, opening, renaming and
 * deleting through the forms (Post/Redirect/Get); names checked (hostile ones included) and the
 * per-user limit; the CSRF checks (missing, wrong, another organization's or user's token,
 * another origin: 403, never a 500); a stored query that no longer parses read as a URL would be;
 * no panel without a user. Isolation between organizations and users is a property in
 * tenant-isolation.test.ts.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VIEWS_PER_USER } from '../src/db/saved-views.js';
import { upsertOrganization } from '../src/write/recorder.js';
import { databaseTargets, type TestDatabase } from './support/databases.js';
import { createTestHost, ORG_HEADER, parseDocument, text } from './support/test-host.js';

const LIST = '/admin/executions';
const USER_HEADER = 'x-test-user';
const SHARE_HEADER = 'x-test-share';

for (const target of databaseTargets) {
  describe.skipIf(target.skipReason !== null)(
    `saved views on ${target.name}${target.skipReason ? ` (skipped: ${target.skipReason})` : ''}`,
    () => {
      let database: TestDatabase;
      let app: ReturnType<typeof createTestHost>;
      let bare: ReturnType<typeof createTestHost>;

      beforeAll(async () => {
        database = await target.open();
        for (const org of ['org-a', 'org-b']) await upsertOrganization(database.db, org, { name: org, timeZone: 'UTC' });
        app = createTestHost(database.db, LIST, {
          user: (c) => {
            const id = c.req.header(USER_HEADER);
            return id ? { id, name: id === 'hostile' ? 'Ze\u0000<b>\ud800' : `Name of ${id}` } : null;
          },
          canShareViews: (c) => c.req.header(SHARE_HEADER) === 'yes',
          csrfSecret: 'test secret',
        });
        bare = createTestHost(database.db, LIST);
      });
      afterAll(() => database?.dispose());

      const headers = (org: string, user: string, more: Record<string, string> = {}) => ({
        [ORG_HEADER]: org,
        [USER_HEADER]: user,
        ...more,
      });
      const page = async (org: string, user: string, path = LIST) => {
        const res = await app.request(path, { headers: headers(org, user) });
        const body = await res.text();
        return { res, body, doc: parseDocument(body) };
      };
      const tokenOf = async (org: string, user: string) =>
        (await page(org, user)).doc.querySelector('.xa-views input[name="csrf"]')?.getAttribute('value') ?? '';
      const post = async (
        org: string,
        user: string,
        path: string,
        fields: Record<string, string>,
        more: Record<string, string> = { 'Sec-Fetch-Site': 'same-origin' },
      ) => {
        // An empty csrf leaves the field out.
        const token = fields.csrf ?? (await tokenOf(org, user));
        const form = new URLSearchParams({ ...fields, csrf: token });
        if (token === '') form.delete('csrf');
        const res = await app.request(`${LIST}${path}`, {
          method: 'POST',
          headers: { ...headers(org, user, more), 'Content-Type': 'application/x-www-form-urlencoded' },
          body: form.toString(),
        });
        return { res, body: await res.text() };
      };
      const links = async (org: string, user: string, path = LIST) =>
        [...(await page(org, user, path)).doc.querySelectorAll('.xa-views__link')].map((a) => ({
          name: text(a),
          href: a.getAttribute('href'),
          current: a.getAttribute('aria-current'),
        }));
      const idOf = async (org: string, user: string, name: string) => {
        const { doc } = await page(org, user);
        const input = [...doc.querySelectorAll('.xa-views__own input[name="name"]')].find(
          (i) => i.getAttribute('value') === name,
        );
        return input?.getAttribute('id')?.replace('xa-view-', '') ?? '';
      };

      it('changes nothing on the page without a user', async () => {
        const res = await bare.request(LIST, { headers: { [ORG_HEADER]: 'org-a' } });
        expect(await res.text()).not.toContain('class="xa-views"');
        const { body } = await page('org-a', '');
        expect(body).not.toContain('class="xa-views"');
        const forged = await bare.request(`${LIST}/views`, { method: 'POST', headers: { [ORG_HEADER]: 'org-a' } });
        expect(forged.status).toBe(403);
        // A user id no key could hold is no user, never a 500.
        const hostile = createTestHost(database.db, LIST, { user: () => ({ id: 'a\u0000b', name: 'x' }) });
        const res2 = await hostile.request(LIST, { headers: { [ORG_HEADER]: 'org-a' } });
        expect(res2.status).toBe(200);
        expect(await res2.text()).not.toContain('class="xa-views"');
      });

      it('saves the canonical query without page or cursor, redirects to it, and marks it current', async () => {
        const saved = await post('org-a', 'ana', '/views', {
          name: '  Failed runs  ',
          query: 'page=3&status=failed&after=2026-01-01T00:00:00Z,00000000-0000-4000-8000-000000000001&junk=1',
        });
        expect(saved.res.status).toBe(303);
        expect(saved.res.headers.get('Location')).toBe(`${LIST}?status=failed`);
        expect(await links('org-a', 'ana', `${LIST}?status=failed`)).toEqual([
          { name: 'Failed runs', href: `${LIST}?status=failed`, current: 'page' },
        ]);
        expect((await links('org-a', 'ana'))[0]?.current).toBeNull();
      });

      it('refuses empty, long, control-character and duplicate names with a clear message, and the limit', async () => {
        const message = async (name: string) => {
          const { res, body } = await post('org-a', 'ana', '/views', { name, query: '' });
          expect(res.status, JSON.stringify(name.slice(0, 20))).toBe(400);
          return text(parseDocument(body).querySelector('.xa-views__problem a'));
        };
        expect(await message('   ')).toBe('Enter a name for the view');
        expect(await message('x'.repeat(10_000))).toBe('Name must be 80 characters or fewer');
        expect(await message('a\u0000b')).toBe('Name must not contain control characters');
        expect(await message('a\u202eb')).toBe('Name must not contain control characters');
        expect(await message('failed RUNS')).toBe('You already have a view called \u2068failed RUNS\u2069: choose another name');
        // 80 characters beyond the BMP are 80 characters, not 160.
        expect((await post('org-a', 'ana', '/views', { name: '😀'.repeat(80), query: '' })).res.status).toBe(303);
        // A lone surrogate is kept as the replacement character, not refused or stored broken.
        expect((await post('org-a', 'ana', '/views', { name: 'half \ud800 pair', query: '' })).res.status).toBe(303);
        expect((await links('org-a', 'ana')).map((l) => l.name)).toContain('half \ufffd pair');
        const held = (await links('org-a', 'ana')).length;
        for (let i = held; i < VIEWS_PER_USER; i += 1) {
          expect((await post('org-a', 'ana', '/views', { name: `view ${i}`, query: `status=completed` })).res.status).toBe(303);
        }
        expect(await message('one more')).toBe(
          `You have ${VIEWS_PER_USER} saved views, the most allowed: delete one to save another`,
        );
        await database.db.execute(sql`delete from executions_admin.xa_saved_views where name like 'view %'`);
      });

      it('escapes hostile names and reads a tampered stored query as a URL', async () => {
        const hostile = '<img src=x onerror=alert(1)>"\'&';
        expect((await post('org-a', 'ana', '/views', { name: hostile, query: '' })).res.status).toBe(303);
        await database.db.execute(
          sql`update executions_admin.xa_saved_views set query = ${'status=<script>&agent=../../x&page=9"'} where name = ${hostile}`,
        );
        const { body } = await page('org-a', 'ana');
        expect(body).not.toContain('<img src=x');
        expect(body).not.toContain('<script>&');
        const link = (await links('org-a', 'ana')).find((l) => l.name === hostile);
        expect(link?.href).toBe(LIST);
      });

      it('renames and deletes only the owner’s views; a shared one is seen by the organization only', async () => {
        const shared = await post(
          'org-a',
          'ana',
          '/views',
          { name: 'Team view', query: 'status=active', shared: '1' },
          {
            'Sec-Fetch-Site': 'same-origin',
            [SHARE_HEADER]: 'yes',
          },
        );
        expect(shared.res.status).toBe(303);
        await post('org-a', 'ana', '/views', { name: 'Not shared', query: 'status=pending', shared: '1' });
        const bo = (await links('org-a', 'bo')).map((l) => l.name);
        expect(bo).toEqual(['Team view']);
        expect(text((await page('org-a', 'bo')).doc.querySelector('.xa-views__by'))).toBe('(shared by \u2068Name of ana\u2069)');
        expect(await links('org-b', 'ana')).toEqual([]);
        // An owner's name as hostile as a host may give it: stored without NUL, shown escaped.
        const zed = await post(
          'org-a',
          'hostile',
          '/views',
          { name: 'Zed', query: '', shared: '1' },
          {
            'Sec-Fetch-Site': 'same-origin',
            [SHARE_HEADER]: 'yes',
          },
        );
        expect(zed.res.status).toBe(303);
        const seen = await page('org-a', 'bo');
        expect(seen.body).not.toContain('<b>');
        expect(seen.body).toContain('(shared by \u2068Ze&lt;b&gt;\ufffd\u2069)');
        await post('org-a', 'hostile', `/views/${await idOf('org-a', 'hostile', 'Zed')}/delete`, { query: '' });
        const id = await idOf('org-a', 'ana', 'Team view');
        expect(id).toMatch(/^[0-9a-f-]{36}$/);
        // Bo, and Ana of another organization, cannot touch it.
        for (const [org, user] of [
          ['org-a', 'bo'],
          ['org-b', 'ana'],
        ] as const) {
          expect((await post(org, user, `/views/${id}/rename`, { name: 'Taken', query: '' })).res.status).toBe(404);
          expect((await post(org, user, `/views/${id}/delete`, { query: '' })).res.status).toBe(404);
        }
        expect((await post('org-a', 'ana', `/views/not-a-uuid/delete`, { query: '' })).res.status).toBe(404);
        const renamed = await post('org-a', 'ana', `/views/${id}/rename`, { name: 'Active now', query: 'status=failed' });
        expect(renamed.res.headers.get('Location')).toBe(`${LIST}?status=failed`);
        expect((await links('org-a', 'bo')).map((l) => l.name)).toEqual(['Active now']);
        const taken = await post('org-a', 'ana', `/views/${id}/rename`, { name: 'not shared', query: '' });
        expect(taken.res.status).toBe(400);
        expect((await post('org-a', 'ana', `/views/${id}/delete`, { query: '' })).res.status).toBe(303);
        expect(await links('org-a', 'bo')).toEqual([]);
      });

      it('answers 403 to a form without a valid token or from another origin', async () => {
        const own = await tokenOf('org-a', 'ana');
        const cases: [string, Record<string, string>, Record<string, string>][] = [
          ['missing token', { csrf: '' }, { 'Sec-Fetch-Site': 'same-origin' }],
          ['wrong token', { csrf: 'x'.repeat(own.length) }, { 'Sec-Fetch-Site': 'same-origin' }],
          ["another organization's token", { csrf: await tokenOf('org-b', 'ana') }, { 'Sec-Fetch-Site': 'same-origin' }],
          ["another user's token", { csrf: await tokenOf('org-a', 'bo') }, { 'Sec-Fetch-Site': 'same-origin' }],
          ['cross-site fetch', { csrf: own }, { 'Sec-Fetch-Site': 'cross-site' }],
          ['same-site fetch', { csrf: own }, { 'Sec-Fetch-Site': 'same-site' }],
          ['another Origin', { csrf: own }, { Origin: 'https://evil.example' }],
          ['null Origin', { csrf: own }, { Origin: 'null' }],
        ];
        for (const [name, fields, more] of cases) {
          const { res, body } = await post('org-a', 'ana', '/views', { name: 'forged', query: '', ...fields }, more);
          expect(res.status, name).toBe(403);
          expect(text(parseDocument(body).querySelector('h1')), name).toBe('Request refused');
        }
        // The same token from the module's own origin passes (an older browser: Origin alone).
        const ok = await post(
          'org-a',
          'ana',
          '/views',
          { name: 'from Origin', query: '', csrf: own },
          { Origin: 'http://localhost' },
        );
        expect(ok.res.status).toBe(303);
        expect((await links('org-a', 'ana')).map((l) => l.name)).not.toContain('forged');
        // A body that is not a form, and one past the limit: refused, never a 500.
        const json = await app.request(`${LIST}/views`, {
          method: 'POST',
          headers: { ...headers('org-a', 'ana'), 'Content-Type': 'application/json' },
          body: '{"csrf":1',
        });
        expect(json.status).toBe(403);
        const huge = await app.request(`${LIST}/views`, {
          method: 'POST',
          headers: { ...headers('org-a', 'ana'), 'Content-Type': 'application/x-www-form-urlencoded' },
          body: `csrf=${own}&name=${'x'.repeat(300_000)}`,
        });
        expect(huge.status).toBe(413);
        // Every answer to a form keeps the module's security headers, forms allowed to its own origin only.
        const answers = [json, huge, ok.res, (await post('org-a', 'ana', '/views', { name: '', query: '' })).res];
        for (const res of answers) {
          expect(res.headers.get('Content-Security-Policy'), String(res.status)).toContain("form-action 'self'");
          expect(res.headers.get('X-Content-Type-Options'), String(res.status)).toBe('nosniff');
          expect(res.headers.get('Cache-Control'), String(res.status)).toBe('no-store');
        }
      });
    },
  );
}
