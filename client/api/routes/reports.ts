import { negotiate } from '@fastify/accept-negotiator';
import type { FastifyReply, FastifyRequest, FastifySchema } from 'fastify';
import { z } from 'zod';
import { activityTable, deadlinesTable, financingTables, type Table } from '../../../domain/reports/tables';
import { FactsUnavailableError } from '../../reports/cache';
import { CSV_CONTENT_TYPE, toCsv } from '../../reports/csv';
import { ScopeDenied, type ReportFilters } from '../../reports/service';
import type { Principal } from '../../auth/principal';
import { principalOf, type ApiInstance, type RouteContext } from '../context';
import { ApiProblem } from '../problem';
import { activityQuerySchema, deadlinesQuerySchema, financingQuerySchema } from '../schemas';
import { problems } from './docs';
import {
  activityReportSchema,
  deadlinesReportSchema,
  financingReportSchema,
} from '../../../domain/reports/schemas';

/**
 * The national view: `GET /reports/financing`, `/reports/deadlines`, `/reports/activity`, in JSON
 * or in CSV for French spreadsheets. A key sees the conventions it may read, nothing else.
 */

type Format = 'json' | 'csv';

function formatOf(request: FastifyRequest, asked: Format | undefined): Format {
  if (asked) return asked;
  const accept = request.headers.accept;
  if (!accept) return 'json';
  return negotiate(accept, ['application/json', 'text/csv']) === 'text/csv' ? 'csv' : 'json';
}

function filtersOf(query: {
  years?: number[];
  departements?: string[];
  phase?: ReportFilters['phases'];
}): ReportFilters {
  return { years: query.years, departements: query.departements, phases: query.phase };
}

function sendCsv(reply: FastifyReply, table: Table, fileName: string): FastifyReply {
  return reply
    .header('content-type', CSV_CONTENT_TYPE)
    .header('content-disposition', `attachment; filename="${fileName}.csv"`)
    .send(toCsv(table));
}

function yearsPart(years: number[]): string {
  return years.length === 1 ? String(years[0]) : `${years[0]}-${years.at(-1)}`;
}

/** Runs a report, turning a filter outside the key's scope or a cache still empty into problems. */
async function guarded<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ScopeDenied)
      throw new ApiProblem('forbidden', error.message, { field: 'departements' });
    if (error instanceof FactsUnavailableError)
      throw new ApiProblem('unavailable', error.message, {}, { 'retry-after': '5' });
    throw error;
  }
}

/** A report in JSON, or one of its tables in CSV (`format`, or the Accept header). */
const reportResponse = <S extends z.ZodType>(description: string, schema: S) => ({
  description,
  content: {
    'application/json': { schema },
    'text/csv': {
      schema: z.string().describe('Séparateur « ; », UTF-8 avec BOM, virgule décimale, dates AAAA-MM-JJ'),
    },
  },
});

type ReportQuery = z.ZodType<{
  format?: Format;
  years?: number[];
  departements?: string[];
  phase?: ReportFilters['phases'];
}>;

/** What tells one report's route from another's: its documentation, how it runs, its CSV table. */
interface ReportRoute<Q extends ReportQuery, S extends z.ZodType, R extends z.output<S>> {
  summary: string;
  description: string;
  querystring: Q;
  title: string;
  /** What the JSON answer holds: the report must fit it (checked here, documented in OpenAPI). */
  schema: S;
  run: (principal: Principal, query: z.output<Q>) => Promise<R>;
  csv: (report: R, query: z.output<Q>) => { table: Table; fileName: string };
}

function reportRoute<Q extends ReportQuery, S extends z.ZodType, R extends z.output<S>>(
  app: ApiInstance,
  path: string,
  route: ReportRoute<Q, S, R>,
): void {
  // Typed loosely: through these generics the provider resolves neither the query's type (cast below
  // to what the same schema validated) nor the reply's, whose fit to its schema is checked by
  // `R extends z.output<S>` where each route is declared.
  const schema: FastifySchema = {
    tags: ['rapports'],
    summary: route.summary,
    description: route.description,
    querystring: route.querystring,
    response: { 200: reportResponse(route.title, route.schema), ...problems('forbidden', 'invalid') },
  };
  app.get(path, { schema }, async (request, reply) => {
    const query = request.query as z.output<Q>;
    const report = await guarded(() => route.run(principalOf(request), query));
    reply.header('cache-control', 'no-store');
    if (formatOf(request, query.format) === 'json') return report;
    const { table, fileName } = route.csv(report, query);
    return sendCsv(reply, table, fileName);
  });
}

export function reportRoutes(app: ApiInstance, context: RouteContext): void {
  const reports = context.reports;

  reportRoute(app, '/reports/financing', {
    summary: 'Financement: dû, versé, en retard, non versé, sans objet; prévision; fins de période',
    description:
      'Par année civile (échéance de chaque ligne), par département et pour l’ensemble: ce que doivent l’État, chaque type de cofinanceur et les employeurs (salaires, comptés en mois), et où en est chaque ligne aujourd’hui; les conventions suspendues et depuis quand; les lignes des douze prochains mois (et celles des reconductions décidées); les périodes qui s’achèvent dans les douze mois avec leur reconduction. En CSV, `table` choisit le tableau. Une clé ne voit que les conventions qu’elle peut lire.',
    querystring: financingQuerySchema,
    title: 'Rapport de financement',
    schema: financingReportSchema,
    run: (principal, query) => reports.financing(principal, filtersOf(query)),
    csv: (report, query) => {
      const table = financingTables(report)[query.table];
      return { table, fileName: `financement-${table.name}-${yearsPart(report.years)}` };
    },
  });

  reportRoute(app, '/reports/deadlines', {
    summary: 'Échéances en retard ou dans les N prochains jours, avec qui doit agir',
    description:
      'Toutes les échéances des conventions lisibles par la clé, déjà dépassées ou dans les `days` prochains jours (30 par défaut), de la plus proche à la plus lointaine, avec les parties qui doivent agir; et leur nombre par semaine.',
    querystring: deadlinesQuerySchema,
    title: 'Échéances',
    schema: deadlinesReportSchema,
    run: (principal, query) => reports.deadlines(principal, { ...filtersOf(query), days: query.days }),
    csv: (report) => ({
      table: deadlinesTable(report),
      fileName: `echeances-${report.today}-${report.days}j`,
    }),
  });

  reportRoute(app, '/reports/activity', {
    summary: 'Bilans d’activité: attendus, reçus, en retard; indicateurs additionnés',
    description:
      'Par année civile (celle où s’achève l’année de convention du bilan), par département et pour l’ensemble: les bilans attendus, reçus, en retard, pas encore dus, ceux d’un poste vacant une partie ou toute l’année, et la somme de chaque indicateur des bilans reçus. Des nombres seulement: personne n’est jamais nommé.',
    querystring: activityQuerySchema,
    title: 'Activité',
    schema: activityReportSchema,
    run: (principal, query) => reports.activity(principal, filtersOf(query)),
    csv: (report) => ({ table: activityTable(report), fileName: `activite-${yearsPart(report.years)}` }),
  });
}
