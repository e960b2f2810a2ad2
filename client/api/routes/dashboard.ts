import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { activityTable, deadlinesTable, financingTables } from '../../../domain/reports/tables';
import type { KeyRing } from '../../auth/keys';
import { principalFromKey, type Principal } from '../../auth/principal';
import {
  activityPage,
  BASE,
  deadlinesPage,
  financingPage,
  loginPage,
  type PageContext,
} from '../../dashboard/pages';
import { STYLE_CSS } from '../../dashboard/style';
import { FactsUnavailableError } from '../../reports/cache';
import { CSV_CONTENT_TYPE, toCsv } from '../../reports/csv';
import { ScopeDenied, type ReportFilters } from '../../reports/service';
import type { Phase } from '../../../domain/lifecycle/phase';
import { issuesOf, type RouteContext } from '../context';
import { activityQuerySchema, deadlinesQuerySchema, financingQuerySchema } from '../schemas';

/**
 * `/tableau-de-bord`: the reports as web pages for people, behind the same API keys.
 *
 * A person signs in by pasting their key in a form; the key is then kept in a cookie that only
 * this path receives (`Path=/tableau-de-bord`), unreadable by scripts (`HttpOnly`), never sent by
 * another site (`SameSite=Strict`), over HTTPS only when the service is (`Secure`), for twelve
 * hours at most. No session is stored: each page checks the key against the key ring, so a
 * revoked key stops at once and API processes need nothing shared. The pages only read; the two
 * forms that post (sign in, sign out) also refuse a request from another origin.
 */

export const DASHBOARD_COOKIE = 'iscg_tableau';
const COOKIE_MAX_AGE_SECONDS = 12 * 3600;

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  // Not no-referrer: with it, browsers send `Origin: null` on the forms' posts, which the origin check refuses.
  'referrer-policy': 'same-origin',
};

export interface DashboardOptions {
  ring: KeyRing;
  /** The service's public address: an https one makes the cookie `Secure`. */
  publicUrl?: string;
}

/** Form fields left empty mean "no filter". */
function filledQuery(query: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries((query ?? {}) as Record<string, unknown>))
    if (typeof value === 'string' && value.trim() !== '') out[key] = value.trim();
  return out;
}

/** A request from a page of this very site (or from no page at all, as a command-line client). */
function sameOrigin(request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site && site !== 'same-origin' && site !== 'none') return false;
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

function html(reply: FastifyReply, status: number, page: string): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').send(page);
}

export async function dashboardRoutes(
  app: FastifyInstance,
  context: RouteContext,
  options: DashboardOptions,
): Promise<void> {
  await app.register(async (scope) => {
    await scope.register(cookie);
    await scope.register(formbody, { bodyLimit: 4096 });

    scope.addHook('onRequest', (request, _reply, done) => {
      const token = request.cookies[DASHBOARD_COOKIE];
      const key = token ? options.ring.authenticate(token) : null;
      // Set before the rate limit runs: a signed-in person counts against their key's limit.
      if (key) request.principal = principalFromKey(key);
      done();
    });
    scope.addHook('onSend', (_request, reply, payload, done) => {
      reply.headers(SECURITY_HEADERS);
      // Figures and keys' scopes are nobody else's: no copy kept on the way (the stylesheet may be).
      if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
      done(null, payload);
    });

    const route = { config: { public: true }, schema: { hide: true } };
    const secure = (request: FastifyRequest) =>
      options.publicUrl?.startsWith('https:') === true || request.protocol === 'https';

    /** Runs a page: the key from the cookie (or the login form), the filters, the problems shown in the page. */
    const page = <S extends z.ZodType>(
      path: string,
      schema: S,
      render: (principal: Principal, query: z.output<S>, pageContext: PageContext) => Promise<string>,
    ) =>
      scope.get(path, route, async (request, reply) => {
        const principal = request.principal;
        if (!principal) return reply.redirect(`${BASE}/connexion`, 303);
        const typed = filledQuery(request.query);
        const pageContext: PageContext = { principal, query: typed };
        let status = 200;
        let parsed = schema.safeParse(typed);
        if (!parsed.success) {
          const first = issuesOf(parsed.error)[0]!;
          pageContext.error = `Filtre refusé — ${first.field || 'paramètres'}: ${first.message}. Les chiffres ci-dessous sont ceux sans filtre.`;
          status = 422;
          parsed = schema.safeParse({});
        }
        try {
          return html(reply, status, await render(principal, parsed.data as z.output<S>, pageContext));
        } catch (error) {
          if (error instanceof ScopeDenied) {
            pageContext.error = `Filtre refusé — ${error.message}. Les chiffres ci-dessous sont ceux de toute votre clé.`;
            const all = schema.safeParse({ ...typed, departements: undefined });
            return html(reply, 403, await render(principal, all.data as z.output<S>, pageContext));
          }
          if (error instanceof FactsUnavailableError) {
            reply.header('retry-after', '5');
            return html(reply, 503, loginPage({ error: `${error.message}. Réessayez dans un instant.` }));
          }
          throw error;
        }
      });

    const filters = (q: { years?: number[]; departements?: string[]; phase?: Phase[] }): ReportFilters => ({
      years: q.years,
      departements: q.departements,
      phases: q.phase,
    });

    page(BASE, financingQuerySchema, async (principal, q, pc) =>
      financingPage(await context.reports.financing(principal, filters(q)), pc),
    );
    page(`${BASE}/echeances`, deadlinesQuerySchema, async (principal, q, pc) =>
      deadlinesPage(await context.reports.deadlines(principal, { ...filters(q), days: q.days }), pc),
    );
    page(`${BASE}/activite`, activityQuerySchema, async (principal, q, pc) =>
      activityPage(await context.reports.activity(principal, filters(q)), pc),
    );

    /** The same CSV files as the API's, for a person signed in to the pages. */
    const csv = <S extends z.ZodType>(
      path: string,
      schema: S,
      build: (principal: Principal, query: z.output<S>) => Promise<{ name: string; text: string }>,
    ) =>
      scope.get(path, route, async (request, reply) => {
        if (!request.principal) return reply.redirect(`${BASE}/connexion`, 303);
        const parsed = schema.safeParse(filledQuery(request.query));
        if (!parsed.success) {
          const first = issuesOf(parsed.error)[0]!;
          return reply.code(422).type('text/plain; charset=utf-8').send(`${first.field}: ${first.message}`);
        }
        try {
          const file = await build(request.principal, parsed.data);
          return reply
            .header('content-type', CSV_CONTENT_TYPE)
            .header('content-disposition', `attachment; filename="${file.name}.csv"`)
            .send(file.text);
        } catch (error) {
          if (error instanceof ScopeDenied)
            return reply.code(403).type('text/plain; charset=utf-8').send(error.message);
          throw error;
        }
      });
    csv(`${BASE}/financement.csv`, financingQuerySchema, async (principal, q) => {
      const report = await context.reports.financing(principal, filters(q));
      const table = financingTables(report)[q.table];
      return { name: `financement-${table.name}-${report.years.join('-')}`, text: toCsv(table) };
    });
    csv(`${BASE}/echeances.csv`, deadlinesQuerySchema, async (principal, q) => {
      const report = await context.reports.deadlines(principal, { ...filters(q), days: q.days });
      return { name: `echeances-${report.today}-${report.days}j`, text: toCsv(deadlinesTable(report)) };
    });
    csv(`${BASE}/activite.csv`, activityQuerySchema, async (principal, q) => {
      const report = await context.reports.activity(principal, filters(q));
      return { name: `activite-${report.years.join('-')}`, text: toCsv(activityTable(report)) };
    });

    scope.get(`${BASE}/connexion`, route, (request, reply) => {
      if (request.principal) return reply.redirect(BASE, 303);
      return html(reply, 200, loginPage());
    });

    scope.post<{ Body: { cle?: unknown } }>(`${BASE}/connexion`, route, (request, reply) => {
      if (!sameOrigin(request))
        return html(
          reply,
          403,
          loginPage({ error: 'Connexion refusée: le formulaire ne vient pas de ce site.' }),
        );
      const token = typeof request.body?.cle === 'string' ? request.body.cle.trim() : '';
      if (!token)
        return html(
          reply,
          422,
          loginPage({ error: 'Clé d’API: saisissez votre clé (elle commence par « iscg_ »).' }),
        );
      const key = options.ring.authenticate(token);
      if (!key) return html(reply, 401, loginPage({ error: 'Clé d’API inconnue ou révoquée.' }));
      return reply
        .setCookie(DASHBOARD_COOKIE, token, {
          path: BASE,
          httpOnly: true,
          sameSite: 'strict',
          secure: secure(request),
          maxAge: COOKIE_MAX_AGE_SECONDS,
        })
        .redirect(BASE, 303);
    });

    scope.post(`${BASE}/deconnexion`, route, (request, reply) => {
      if (!sameOrigin(request))
        return html(reply, 403, loginPage({ error: 'Déconnexion refusée: autre origine.' }));
      return reply
        .clearCookie(DASHBOARD_COOKIE, {
          path: BASE,
          httpOnly: true,
          sameSite: 'strict',
          secure: secure(request),
        })
        .redirect(`${BASE}/connexion`, 303);
    });

    scope.get(`${BASE}/style.css`, route, (_request, reply) =>
      reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(STYLE_CSS),
    );
  });
}
