import { z } from 'zod';
import type { ConventionSummary } from '../../conventions';
import { LEDGER_KINDS } from '../../../domain/lifecycle/context';
import { SETTLED_STATUSES } from '../../../domain/lifecycle/term';
import type { ConventionState } from '../../../domain/temporal-contract';
import {
  actorOf,
  creationAccess,
  departementAccess,
  listScope,
  partiesAccess,
  type Principal,
} from '../../auth/principal';
import {
  principalOf,
  readableConvention,
  withTemporal,
  type ApiInstance,
  type RouteContext,
} from '../context';
import { ApiProblem } from '../problem';
import {
  conventionStateSchema,
  conventionSummarySchema,
  createBodySchema,
  eventResultSchema,
  booleanQuery,
  ledgerItemSchema,
  listQuerySchema,
} from '../schemas';
import { eventPayloadSchemas } from '../../../domain/lifecycle/events';
import { visibilityQuery } from '../visibility';
import { conventionIdParams, idempotencyHeader, jsonResponse, problems } from './docs';
import { sendEvent } from './events';

/**
 * A listing keeps what the key may read. A role key's query already asks for its role; the
 * conventions that have not published their roles yet, and those of a party key, are read to decide.
 */
async function withinParties(
  context: RouteContext,
  principal: Principal,
  listed: ConventionSummary[],
): Promise<ConventionSummary[]> {
  const grant = principal.grant;
  if (grant.kind === 'operator') return listed;
  const kept: ConventionSummary[] = [];
  for (const summary of listed) {
    if (grant.kind === 'party-role' && summary.partyRoles !== null) {
      if (summary.partyRoles.includes(grant.role)) kept.push(summary);
      continue;
    }
    const state = await withTemporal(context, () => context.conventions.get(summary.conventionId));
    if (!partiesAccess(principal, summary.conventionId, state.data.parties)) kept.push(summary);
  }
  return kept;
}

/** Each key sees its own subscriptions whole; others' only as existing (their URL may hold a token). */
export function visibleSubscriptions(
  state: ConventionState,
  principal: Principal,
): (ConventionState['webhooks'][number] | { id: string; createdAt: number; own: false })[] {
  return state.webhooks.map((subscription) =>
    subscription.client === principal.keyId
      ? { ...subscription, own: true }
      : { id: subscription.id, createdAt: subscription.createdAt, own: false as const },
  );
}

const ledgerQuerySchema = z
  .object({
    month: z
      .string()
      .regex(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'mois attendu au format AAAA-MM (ex. 2027-03)' })
      .optional()
      .meta({ example: '2027-03' }),
    term: z.coerce
      .number({ message: 'numéro de période attendu' })
      .int({ message: 'numéro de période attendu' })
      .min(1, { message: 'les périodes commencent à 1' })
      .optional()
      .meta({ example: 1 }),
    kind: z.enum(LEDGER_KINDS, { message: `nature attendue parmi: ${LEDGER_KINDS.join(', ')}` }).optional(),
    open: booleanQuery.optional(),
  })
  .strict();

export function conventionRoutes(app: ApiInstance, context: RouteContext): void {
  app.post(
    '/conventions',
    {
      schema: {
        tags: ['conventions'],
        summary: 'Créer un projet de convention (phase de rédaction)',
        description:
          'Les blancs peuvent rester vides: `missingBlanks` dit ce qui manque pour terminer la rédaction. L’identifiant est `convention-<département>-<slug>`; un slug déjà pris dans le département est refusé (409 `exists`). Réservé aux opérateurs et à la préfecture (rôle `etat`) du département.',
        body: createBodySchema,
        response: {
          201: jsonResponse(
            'Convention créée',
            z.object({ conventionId: z.string(), state: conventionStateSchema }),
          ),
          ...problems('malformed', 'forbidden', 'invalid', 'exists'),
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const body = request.body;
      const denial = creationAccess(principal, body.data.departement);
      if (denial) throw new ApiProblem('forbidden', denial.reason);
      const created = await withTemporal(context, () => context.conventions.create(body, actorOf(principal)));
      context.reports.cache.invalidate(created.conventionId);
      return reply
        .code(201)
        .header('location', `/conventions/${created.conventionId}`)
        .send({ conventionId: created.conventionId, state: created.state });
    },
  );

  app.get(
    '/conventions',
    {
      schema: {
        tags: ['conventions'],
        summary: 'Lister et rechercher les conventions',
        description:
          'Recherche par la visibilité Temporal (attributs de recherche IscgPhase, IscgDepartement, IscgEmployer, IscgNextDeadline...). Les dates sont incluses. Une clé ne voit que les conventions de ses départements (ou celles qui lui sont attribuées).',
        querystring: listQuerySchema,
        response: {
          200: jsonResponse(
            'Conventions trouvées',
            z.object({ count: z.number().int(), conventions: z.array(conventionSummarySchema) }),
          ),
          ...problems('forbidden', 'invalid'),
        },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const query = request.query;
      if (query.departement) {
        const denial = departementAccess(principal, query.departement);
        if (denial) throw new ApiProblem('forbidden', denial.reason);
      }
      const visibility = visibilityQuery(query, listScope(principal));
      const listed = await withTemporal(context, () =>
        context.conventions.list(visibility, Math.min(query.limit, 100), query.limit),
      );
      const conventions = await withinParties(context, principal, listed);
      return { count: conventions.length, conventions };
    },
  );

  app.get(
    '/conventions/:id',
    {
      schema: {
        tags: ['conventions'],
        summary: 'Lire une convention',
        description:
          'Phase, parties et contacts, signatures, échéancier de financement, échéances à venir, historique des décisions.',
        params: conventionIdParams,
        response: {
          200: jsonResponse(conventionStateSchema.description!, conventionStateSchema),
          ...problems('forbidden', 'not_found'),
        },
      },
    },
    async (request) => {
      const state = await readableConvention(context, request, request.params.id);
      return { ...state, webhooks: visibleSubscriptions(state, principalOf(request)) };
    },
  );

  app.get(
    '/conventions/:id/ledger',
    {
      schema: {
        tags: ['conventions'],
        summary: 'Lire l’échéancier, ou une ligne (un mois, une période)',
        description:
          'Les lignes de l’échéancier, filtrées: `month=2027-03` rend le salaire de mars 2027 (et toute ligne due ce mois-là), `term`, `kind`, `open=true` les lignes pas encore soldées. Avant la prise d’effet (`awaiting_start`), les lignes qui s’ouvriront, avec leurs identifiants définitifs. L’identifiant d’une ligne est l’`itemId` des actes de paiement.',
        params: conventionIdParams,
        querystring: ledgerQuerySchema,
        response: {
          200: jsonResponse(
            'Les lignes retenues, par jour d’échéance',
            z.object({ conventionId: z.string(), phase: z.string(), items: z.array(ledgerItemSchema) }),
          ),
          ...problems('forbidden', 'not_found', 'invalid'),
        },
      },
    },
    async (request) => {
      const query = request.query;
      const state = await readableConvention(context, request, request.params.id);
      // Before the start, the lines that will open: none is settled, each is to come.
      const lines =
        state.ledger.length > 0
          ? state.ledger
          : (state.schedule?.ledger ?? []).map((item) => ({ ...item, status: 'upcoming' as const }));
      const items = lines
        .filter(
          (item) =>
            (query.month === undefined || (item.month ?? item.dueDate.slice(0, 7)) === query.month) &&
            (query.term === undefined || item.term === query.term) &&
            (query.kind === undefined || item.kind === query.kind) &&
            (query.open === undefined || !SETTLED_STATUSES.includes(item.status) === query.open),
        )
        .sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.id.localeCompare(b.id));
      return { conventionId: state.conventionId, phase: state.phase, items };
    },
  );

  app.patch(
    '/conventions/:id',
    {
      schema: {
        tags: ['conventions'],
        summary: 'Modifier la convention (JSON Merge Patch)',
        description:
          'Équivaut à l’événement AMEND `{ patch }`. En rédaction et recrutement tout blanc peut changer; ensuite seuls les contacts, les représentants et le comité de suivi. Une partie ne peut modifier que ses propres contacts et représentant. Content-Type `application/merge-patch+json` ou `application/json`.',
        params: conventionIdParams,
        headers: idempotencyHeader,
        body: eventPayloadSchemas.AMEND.shape.patch,
        response: {
          200: jsonResponse('Modification appliquée', eventResultSchema),
          ...problems('malformed', 'forbidden', 'not_found', 'invalid', 'refused', 'conflict', 'terminated'),
        },
      },
    },
    async (request, reply) =>
      sendEvent(context, request, reply, request.params.id, 'AMEND', { patch: request.sentBody }),
  );
}
