import { formatFrenchDate, localDate } from './calendar/dates';
import type { DepartementCode } from './calendar/departements';
import { partyIdsWithRole } from './convention/completeness';
import type { ConventionData } from './convention/schema';
import { EVENT_LABELS, eventSlug } from './lifecycle/events';
import type { LedgerLine, ConventionView, Deadline } from './lifecycle/view';
import { DEADLINE_LABELS } from './lifecycle/view';
import type { TerminationReason } from './lifecycle/context';
import { frenchMonth, ofFrenchMonth } from './mail/content';
import { SETTLED_STATUSES } from './lifecycle/term';
import type { ConventionState } from './temporal-contract';

/**
 * What operators read in the Temporal UI: search attribute values, the workflow's summaries and its
 * current details, in French. Temporal stores all of these in clear, so they are built only from
 * organisation names, roles, dates, counts and codes: never a representative's or signer's name,
 * an email address, a candidate reference, a document reference or any free text typed by a user.
 */

export interface SearchAttributeValues {
  phase: string;
  departement: string;
  site: string;
  employer: string | null;
  termNumber: number;
  termEnd: string | null;
  nextDeadline: string | null;
  nextDeadlineKind: string | null;
  nextActor: string[];
  suspended: boolean;
  partyRoles: string[];
}

type Parties = ConventionData['parties'];

function organisation(parties: Parties, partyId: string): string {
  return parties[partyId]?.organisation ?? partyId;
}

function organisations(parties: Parties, partyIds: readonly string[]): string[] {
  return [...new Set(partyIds)].map((id) => organisation(parties, id));
}

function sitePlaces(view: Pick<ConventionView, 'data'>, separator = ' et '): string {
  const site = view.data.site;
  return [site?.commissariat, site?.gendarmerieUnit].filter(Boolean).join(separator);
}

/** The pending deadlines due the same day as the next one and waiting on someone: acted on together. */
function nextDeadlineGroup(view: ConventionView): (Deadline & { overdue: boolean })[] {
  const next = view.nextDeadline;
  if (!next) return [];
  if (next.partyIds.length === 0) return [next];
  return view.deadlines.filter((d) => d.partyIds.length > 0 && d.dueDate === next.dueDate);
}

/**
 * The parties that must act now, by phase. Before the convention is in force nobody has a dated
 * deadline, but someone still holds the pen: the préfecture while drafting, the authorities that
 * sit on the selection committee while recruiting, the parties that have not signed yet.
 */
export function nextActorIds(view: ConventionView): string[] {
  const parties = view.data.parties;
  switch (view.phase) {
    case 'drafting':
      return partyIdsWithRole(parties, 'etat');
    case 'recruitment':
      return [
        ...new Set(
          [
            view.data.hierarchicalAuthority?.partyId,
            ...(view.data.functionalAuthorities ?? []).map((a) => a.partyId),
          ].filter((id): id is string => Boolean(id)),
        ),
      ];
    case 'signature':
      return view.signatures.missing;
    case 'awaiting_start':
    case 'terminated':
      return [];
    default:
      return [...new Set(nextDeadlineGroup(view).flatMap((d) => d.partyIds))];
  }
}

/** Each role held by a party, once, in a stable order. */
export function partyRolesOf(parties: Parties): string[] {
  return [...new Set(Object.values(parties).map((party) => party.role))].sort();
}

export function searchAttributeValues(view: ConventionView): SearchAttributeValues {
  const next = view.nextDeadline;
  const employer = view.data.employerPartyId;
  const actors = organisations(view.data.parties, nextActorIds(view));
  return {
    phase: view.phase,
    departement: view.departement.code,
    site: sitePlaces(view, ' / ') || view.slug,
    employer: employer ? organisation(view.data.parties, employer) : null,
    termNumber: view.term?.number ?? 0,
    termEnd: view.term?.endDate ?? null,
    nextDeadline: next?.dueDate ?? null,
    nextDeadlineKind: next?.kind ?? null,
    nextActor: actors,
    suspended: view.flags.suspended,
    partyRoles: partyRolesOf(view.data.parties),
  };
}

/** One line, set once when the workflow starts: the convention, its site, its département. */
export function staticSummary(view: Pick<ConventionView, 'data' | 'slug' | 'departement'>): string {
  const places = sitePlaces(view) || `${view.slug} (site à préciser)`;
  return `Convention ISCG — ${places} — ${view.departement.name} (${view.departement.code})`;
}

/**
 * Set once when the workflow starts: what does not change during the convention's life, and where
 * to act on it. The parties, the dates and the phase are in the current details.
 */
export function staticDetails(
  view: Pick<ConventionView, 'conventionId' | 'data' | 'slug' | 'departement'>,
  createdOn: string,
): string {
  return [
    `**Convention de partenariat ISCG** — intervenant social en commissariat et gendarmerie, ${view.departement.name} (${view.departement.code}).`,
    `Identifiant \`${view.conventionId}\`, créée le ${formatFrenchDate(createdOn)}.`,
    `État complet (parties, échéancier, historique): \`GET /conventions/${view.conventionId}\` ou \`iscg show ${view.conventionId}\`. Agir: \`POST /conventions/${view.conventionId}/events/<action>\` ou \`iscg send ${view.conventionId} <action>\`.`,
  ].join('\n\n');
}

const TERMINATION_LABELS: Record<TerminationReason, string> = {
  abandoned: 'abandonnée avant sa prise d’effet',
  denounced: 'dénoncée, arrivée à échéance',
  not_renewed: 'non reconduite, arrivée à échéance',
  no_renewal_decision: 'arrivée à échéance sans décision de reconduction',
};

/** "Versement du salaire de juillet 2026" rather than the machine's "— 2026-07". */
function deadlineLabel(view: ConventionView, deadline: Deadline): string {
  const item = view.ledger.find((l) => l.id === deadline.subject);
  if (item) return ledgerLabel(item);
  return deadline.termYear === undefined
    ? DEADLINE_LABELS[deadline.kind]
    : `${DEADLINE_LABELS[deadline.kind]}, année ${deadline.termYear}`;
}

function ledgerLabel(item: Pick<LedgerLine, 'kind' | 'month' | 'termYear'>): string {
  if (item.kind === 'salary') return `Versement du salaire ${ofFrenchMonth(item.month ?? '')}`;
  if (item.kind === 'state-participation') return `Participation annuelle de l’État, année ${item.termYear}`;
  return `Contribution annuelle d’un cofinanceur, année ${item.termYear}`;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function who(view: ConventionView, partyIds: readonly string[]): string {
  return organisations(view.data.parties, partyIds).join(', ');
}

function list(items: string[], max: number): string {
  return items.length > max
    ? `${items.slice(0, max).join(' ; ')} ; et ${items.length - max} autre(s)`
    : items.join(' ; ');
}

/** "3 salaires, de mars à mai 2027 (Association X) ; Participation annuelle de l’État, année 1 (Préfecture, …)". */
function overdueSummary(view: ConventionView): string[] {
  const overdue = view.deadlines.filter((d) => d.overdue && d.partyIds.length > 0);
  const salaries = new Map<string, string[]>();
  const others: string[] = [];
  for (const d of overdue) {
    const item = view.ledger.find((l) => l.id === d.subject);
    if (item?.kind === 'salary') {
      const payer = who(view, d.partyIds);
      salaries.set(payer, [...(salaries.get(payer) ?? []), item.month ?? '']);
    } else
      others.push(`${deadlineLabel(view, d)} (${who(view, d.partyIds)}, ${formatFrenchDate(d.dueDate)})`);
  }
  const lines = [...salaries].map(([payer, months]) => {
    const sorted = [...months].sort();
    const span =
      sorted.length === 1
        ? `salaire ${ofFrenchMonth(sorted[0]!)}`
        : `${sorted.length} salaires, ${ofFrenchMonth(sorted[0]!)} à ${frenchMonth(sorted[sorted.length - 1]!)}`;
    return `${span} (${payer})`;
  });
  return [...lines, ...others];
}

function fundingLine(view: ConventionView): string {
  const lines = view.ledger.filter((l) => l.term === view.term?.number);
  const paid = lines.filter((l) => l.status === 'paid').length;
  const late = lines.filter((l) => l.status === 'late' || l.status === 'partial').length;
  const unpaid = view.ledger.filter((l) => l.status === 'unpaid');
  const counts = `${paid} versement(s) constaté(s) ; ${late} échéance(s) passée(s) sans paiement complet constaté`;
  const suspension = view.suspensions.find((s) => s.to === null);
  if (view.flags.suspended && suspension) {
    const items = unpaid.map((l) => `${lowerFirst(ledgerLabel(l))} (${who(view, [l.payerPartyId])})`);
    return `**Financement** : **suspendue depuis le ${formatFrenchDate(suspension.from)}** (art. 9), non-versement constaté : ${list(items, 3)}. Reprise dès que le paiement est constaté (\`record-payment\`). ${counts}.`;
  }
  return `**Financement** : non suspendue — ${counts} ; ${unpaid.length} non-versement(s) constaté(s).`;
}

function termLine(view: ConventionView): string | null {
  const term = view.term;
  if (!term) return null;
  const dates = [`du ${formatFrenchDate(term.startDate)} au ${formatFrenchDate(term.endDate)}`];
  if (!view.denunciation)
    dates.push(`${DEADLINE_LABELS['denunciation-notice']} : ${formatFrenchDate(term.noticeDeadline)}`);
  dates.push(`concertation sur la reconduction à partir du ${formatFrenchDate(term.concertationOpensOn)}`);
  return `**Période ${term.number}** : ${dates.join(' ; ')}.`;
}

function upcomingLine(view: ConventionView, skip: Set<Deadline>): string | null {
  const upcoming = view.deadlines
    .filter((d) => !d.overdue && d.partyIds.length > 0 && !skip.has(d))
    .slice(0, 3)
    .map((d) => `${deadlineLabel(view, d)} — ${who(view, d.partyIds)}, ${formatFrenchDate(d.dueDate)}`);
  return upcoming.length > 0 ? `**Ensuite** : ${upcoming.join(' ; ')}.` : null;
}

/** The first line: what must happen next, who must do it, by when. */
function actionLine(view: ConventionView): string {
  const actors = who(view, nextActorIds(view));
  switch (view.phase) {
    case 'drafting': {
      const blanks = view.missingBlanks;
      const task =
        blanks.length > 0
          ? `compléter ${blanks.length} blanc(s) du modèle, puis clore la rédaction`
          : 'clore la rédaction (aucun blanc ne reste)';
      return `**À faire** : ${task} — par ${actors || 'la préfecture'} ou un opérateur. Pas d’échéance avant la signature.`;
    }
    case 'recruitment': {
      const r = view.recruitment;
      const step = !r.committee
        ? 'composer le comité de sélection (autorités hiérarchique et fonctionnelle, art. 3)'
        : !r.applications
          ? 'enregistrer les candidatures reçues'
          : 'enregistrer la décision du comité de sélection';
      const round = r.round > 1 ? ` (tour ${r.round})` : '';
      return `**À faire** : ${step}${round} — par ${actors || 'les autorités du poste'}.`;
    }
    case 'signature': {
      const { required, missing } = view.signatures;
      const start = view.data.startDate
        ? `, avant la prise d’effet prévue le ${formatFrenchDate(view.data.startDate)}`
        : '';
      return `**À faire** : signer la convention${start} — ${missing.length} signature(s) attendue(s) sur ${required.length} : ${actors}.`;
    }
    case 'awaiting_start':
      return `**Rien à faire** : toutes les parties ont signé ; prise d’effet le ${formatFrenchDate(view.data.startDate ?? '')}.`;
    case 'terminated': {
      const end = view.termination;
      const closed =
        end?.closedOn && end.closedOn !== end.on
          ? ` Close le ${formatFrenchDate(end.closedOn)}, une fois ses financements soldés.`
          : '';
      return end
        ? `**Terminée le ${formatFrenchDate(end.on)}** : ${TERMINATION_LABELS[end.reason]}.${closed} Plus rien à faire.`
        : '**Terminée**. Plus rien à faire.';
    }
    case 'settling': {
      const end = view.termination;
      const open = view.ledger.filter((line) => !SETTLED_STATUSES.includes(line.status));
      const ended = end ? ` depuis le ${formatFrenchDate(end.on)} (${TERMINATION_LABELS[end.reason]})` : '';
      return `**À solder** : la convention est terminée${ended}, mais ${open.length} échéance(s) de financement restent dues — par ${actors || 'les financeurs'}. Elle se clôt quand la dernière est payée (\`record-payment\`) ou close sans paiement par un opérateur (\`write-off\`).`;
    }
    default: {
      const group = nextDeadlineGroup(view);
      const next = group[0];
      if (!next) return '**Rien à faire** pour le moment.';
      const labels = group.map((d) => deadlineLabel(view, d)).join(' ; ');
      const by = next.partyIds.length > 0 ? ` — par ${actors}` : '';
      const late = next.overdue ? ' — **en retard**' : '';
      return `**À faire** : ${labels}${by}, échéance le ${formatFrenchDate(next.dueDate)}${late}.`;
    }
  }
}

/**
 * The current version of the text and its hash: what a party signs, and what to compare a file
 * with (`sha256sum`). Hashes and version numbers say nothing about anyone.
 */
function documentLine(state: ConventionState): string | null {
  const current = state.documents.find((d) => d.current);
  if (!current) return null;
  const hash = current.rendered
    ? `SHA-256 \`${current.rendered.sha256}\` (${current.rendered.pages} pages)`
    : 'empreinte en cours de calcul';
  const role =
    current.reason === 'renewal'
      ? `texte de la période ${current.term}, décidé à la reconduction`
      : state.phase === 'signature'
        ? 'à signer'
        : 'signée';
  const reports = state.documents.filter((d) => d.kind === 'report').length;
  return `**Texte de la convention** : version ${current.version} (${role}), ${hash}. Télécharger : \`iscg document ${state.conventionId}\`${reports > 0 ? ` ; ${reports} bilan(s) annuel(s) transmis au procureur` : ''}.`;
}

/**
 * Markdown shown as the workflow's current details: phase, who must act and by when, funding
 * status, then what else is pending. Written as of `view.today`, stated on the last line, since
 * Temporal keeps the text until the workflow next sets it.
 */
export function currentDetails(state: ConventionState): string {
  const view: ConventionView = state;
  const parties = view.data.parties;
  const places = sitePlaces(view) || view.slug;
  const lines = [
    `**${view.phaseLabel}** · ISCG ${places}, ${view.departement.name} (${view.departement.code})`,
    actionLine(view),
  ];

  if (view.phase === 'drafting' && view.missingBlanks.length > 0)
    lines.push(
      `**Blancs à compléter** : ${list(
        view.missingBlanks.map((b) => `${b.article} (${b.field}) : ${b.message}`),
        4,
      )}.`,
    );
  if (view.phase === 'signature' && Object.keys(view.signatures.collected).length > 0)
    lines.push(`**Déjà signée par** : ${who(view, Object.keys(view.signatures.collected))}.`);
  const text = documentLine(state);
  if (text) lines.push(text);
  if (view.phase === 'awaiting_start' && view.schedule) {
    const { term, ledger } = view.schedule;
    const first = [...ledger].sort((a, b) => a.dueDate.localeCompare(b.dueDate))[0];
    lines.push(
      `**Période 1** : du ${formatFrenchDate(term.startDate)} au ${formatFrenchDate(term.endDate)} ; ${ledger.length} échéances de financement prévues${first ? `, la première le ${formatFrenchDate(first.dueDate)} (${ledgerLabel(first)}, ${who(view, [first.payerPartyId])})` : ''} ; préavis de dénonciation au plus tard le ${formatFrenchDate(term.noticeDeadline)}.`,
    );
    const reminders = state.schedule?.reminders ?? [];
    if (reminders.length > 0)
      lines.push(
        `**Premiers rappels** : ${list(
          reminders.map((r) => `${formatFrenchDate(r.sendOn)}, ${r.label} (${who(view, r.to)})`),
          3,
        )}.`,
      );
  }

  if (view.phase === 'settling') {
    const open = view.ledger.filter((line) => !SETTLED_STATUSES.includes(line.status));
    const items = open.map(
      (l) => `${ledgerLabel(l)} (${who(view, [l.payerPartyId])}, ${formatFrenchDate(l.dueDate)})`,
    );
    lines.push(`**Restent dues** : ${list(items, 4)}.`);
  } else if (view.term && view.phase !== 'terminated') {
    lines.push(fundingLine(view));
    const overdue = overdueSummary(view);
    if (overdue.length > 0) lines.push(`**En retard** : ${list(overdue, 4)}.`);
    const shown = new Set<Deadline>(nextDeadlineGroup(view));
    const upcoming = upcomingLine(view, shown);
    if (upcoming) lines.push(upcoming);
    const termText = termLine(view);
    if (termText) lines.push(termText);
  }
  if (view.phase === 'renewal' && !view.renewal && !view.denunciation && view.term)
    lines.push(
      `**Reconduction** : concertation ouverte depuis le ${formatFrenchDate(view.term.concertationOpensOn)} ; décision attendue de ${who(view, partyIdsWithRole(parties, 'etat')) || 'la préfecture'} avant le ${formatFrenchDate(view.term.endDate)}, sinon la convention prend fin à l’échéance.`,
    );
  if (view.flags.postVacant)
    lines.push(
      `**Poste vacant** depuis le ${formatFrenchDate(view.post.since ?? view.today)} : recrutement en cours ; les salaires ne sont pas dus pendant la vacance.`,
    );
  if (view.denunciation)
    lines.push(
      `**Dénoncée** par ${organisation(parties, view.denunciation.partyId)} (lettre du ${formatFrenchDate(view.denunciation.letterSentOn)}) : fin à l’échéance${view.term ? `, le ${formatFrenchDate(view.term.endDate)}` : ''}.`,
    );
  else if (view.renewal)
    lines.push(
      view.renewal.decision === 'renew'
        ? `**Reconduction décidée** le ${formatFrenchDate(view.renewal.decidedOn)} : nouvelle période de trois ans à l’échéance.`
        : `**Non-reconduction décidée** le ${formatFrenchDate(view.renewal.decidedOn)} : fin à l’échéance.`,
    );
  if (state.deliveryFailures.length > 0)
    lines.push(
      `**⚠ ${state.deliveryFailures.length} envoi(s) en échec définitif** (courriel refusé ou webhook injoignable) : voir \`deliveryFailures\` dans l’état de la convention.`,
    );

  const last = view.history[view.history.length - 1];
  // Labels only: history summaries may quote a free-text reason (reopening, renewal, abandonment).
  const lastEvent = last
    ? ` Dernier événement : ${last.event === 'CLOCK' ? 'changement daté (prise d’effet, concertation ou échéance)' : last.event === 'CREATED' ? 'création' : lowerFirst(EVENT_LABELS[last.event])}, le ${formatFrenchDate(localDate(last.at, view.departement.code as DepartementCode))}.`
    : '';
  const actions = view.acceptedEvents.map((type) => `\`${eventSlug(type)}\``).join(', ');
  if (actions) lines.push(`Actions possibles : ${actions}.`);
  lines.push(`_État au ${formatFrenchDate(view.today)}.${lastEvent}_`);
  return lines.join('\n\n');
}
