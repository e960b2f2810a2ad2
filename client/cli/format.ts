import { DateTime } from 'luxon';
import { isDepartementCode, zoneOf } from '../../domain/calendar/departements';
import { LEDGER_STATUS_LABELS, SETTLED_STATUSES } from '../../domain/lifecycle/term';
import type { ConventionSummary } from '../conventions';
import type { ConventionState, EventResult } from '../../domain/temporal-contract';

/** Human output of the CLI, in French. `--json` prints the API's answers instead. */

function zone(state: Pick<ConventionState, 'departement'>): string {
  const code = state.departement.code;
  return isDepartementCode(code) ? zoneOf(code) : 'Europe/Paris';
}

function actorLabel(actor: { kind: string; partyId?: string; role?: string; client?: string }): string {
  const who =
    actor.kind === 'party'
      ? `partie ${actor.partyId}`
      : actor.kind === 'party-role'
        ? `rôle ${actor.role}`
        : actor.kind === 'operator'
          ? 'opérateur'
          : actor.kind;
  return actor.client ? `${who} (clé ${actor.client})` : who;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

export function formatList(conventions: ConventionSummary[]): string {
  if (conventions.length === 0) return 'Aucune convention.';
  const rows = conventions.map((c) => [
    c.conventionId,
    c.phase ?? '?',
    c.nextDeadline ? `${c.nextDeadline} ${c.nextDeadlineKind ?? ''}`.trim() : '—',
    c.employer || '—',
    c.suspended ? 'SUSPENDUE' : '',
  ]);
  const header = ['CONVENTION', 'PHASE', 'PROCHAINE ÉCHÉANCE', 'EMPLOYEUR', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => pad(c, widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line), '', `${conventions.length} convention(s)`].join('\n');
}

/** The convention at a glance, then its timeline: what happened, and what is due next. */
export function formatState(state: ConventionState, options: { all?: boolean } = {}): string {
  const tz = zone(state);
  const out: string[] = [];
  out.push(`${state.title} — ${state.conventionId}`);
  out.push(`Phase: ${state.phaseLabel} (${state.phase})`);
  if (state.term)
    out.push(`Période ${state.term.number}: du ${state.term.startDate} au ${state.term.endDate}`);
  if (state.schedule)
    out.push(
      `Période 1, à la prise d’effet: du ${state.schedule.term.startDate} au ${state.schedule.term.endDate} (préavis de dénonciation au plus tard le ${state.schedule.term.noticeDeadline})`,
    );
  if (state.termination) {
    const end = state.termination;
    const open = state.ledger.filter((line) => !SETTLED_STATUSES.includes(line.status)).length;
    const closing = end.closedOn
      ? end.closedOn !== end.on
        ? `, close le ${end.closedOn} (financements soldés)`
        : ''
      : `; ${open} échéance(s) de financement à solder avant la clôture`;
    out.push(`Fin: le ${end.on} (${end.reason})${closing}`);
  }
  const flags = [
    state.flags.suspended ? 'suspendue (non-versement des crédits)' : '',
    state.flags.postVacant ? 'poste vacant' : '',
    state.flags.denounced ? 'dénoncée' : '',
    state.flags.renewal === 'renew' ? 'reconduction décidée' : '',
    state.flags.renewal === 'not_renew' ? 'non reconduite' : '',
  ].filter(Boolean);
  if (flags.length > 0) out.push(`État: ${flags.join(', ')}`);
  if (state.signatures.required.length > 0)
    out.push(
      `Signatures: ${state.signatures.required.length - state.signatures.missing.length}/${state.signatures.required.length}` +
        (state.signatures.missing.length > 0 ? ` (manquent: ${state.signatures.missing.join(', ')})` : ''),
    );
  if (state.missingBlanks.length > 0) {
    out.push('', 'Blancs à compléter:');
    for (const blank of state.missingBlanks)
      out.push(`  - ${blank.article} ${blank.field}: ${blank.message}`);
  }
  if (state.acceptedEvents.length > 0)
    out.push(
      '',
      `Événements acceptés: ${state.acceptedEvents.map((t) => t.toLowerCase().replace(/_/g, '-')).join(', ')}`,
    );

  out.push('', `Historique (heure locale du département, ${tz}):`);
  for (const entry of state.history) {
    const at = DateTime.fromMillis(entry.at, { zone: tz }).toFormat('yyyy-MM-dd HH:mm');
    out.push(`  ${at}  ${pad(entry.event, 28)} ${entry.summary} — ${actorLabel(entry.actor)}`);
  }

  out.push('', `Échéances (au ${state.today}):`);
  const shown = options.all ? state.deadlines : state.deadlines.slice(0, 12);
  if (shown.length === 0) out.push('  aucune');
  for (const deadline of shown) {
    const who = deadline.partyIds.length > 0 ? ` — ${deadline.partyIds.join(', ')}` : '';
    out.push(
      `  ${deadline.overdue ? '! ' : '  '}${deadline.dueDate}  ${deadline.label}${who}${deadline.overdue ? ' (en retard)' : ''}`,
    );
  }
  if (shown.length < state.deadlines.length)
    out.push(`  … et ${state.deadlines.length - shown.length} autre(s) (--all pour tout voir)`);
  // Signed but not yet in force: the ledger as it will open, every line still to come.
  const ledger =
    state.ledger.length > 0
      ? state.ledger
      : (state.schedule?.ledger ?? []).map((line) => ({ ...line, status: 'upcoming' as const }));
  if (ledger.length > 0) {
    // The ids are what RECORD_PAYMENT, RECORD_NON_PAYMENT and WRITE_OFF name (itemId).
    const lines = options.all ? ledger : ledger.filter((line) => !SETTLED_STATUSES.includes(line.status));
    out.push('', options.all ? 'Échéancier:' : 'Échéancier, lignes ouvertes (--all pour toutes):');
    if (lines.length === 0) out.push('  aucune');
    const width = Math.max(...lines.map((line) => line.id.length), 0);
    for (const line of lines)
      out.push(
        `  ${pad(line.id, width)}  ${line.dueDate}  ${pad(LEDGER_STATUS_LABELS[line.status], 22)}${
          line.plannedAmountEur === null ? '' : ` ${line.plannedAmountEur} €`
        }`.trimEnd(),
      );
  }
  const reminders = state.schedule?.reminders ?? [];
  if (reminders.length > 0) {
    out.push('', `Premiers rappels prévus (heure locale, ${tz}):`);
    for (const r of reminders) {
      const at = DateTime.fromMillis(Date.parse(r.sendAt), { zone: tz }).toFormat('yyyy-MM-dd HH:mm');
      const cc = r.cc.length > 0 ? ` (copie: ${r.cc.join(', ')})` : '';
      out.push(`  ${at}  ${r.label} — ${r.to.join(', ')}${cc}`);
    }
  }
  if (state.deliveryFailures.length > 0) {
    out.push('', 'Envois en échec définitif:');
    for (const f of state.deliveryFailures)
      out.push(
        `  ${DateTime.fromMillis(f.at, { zone: tz }).toFormat('yyyy-MM-dd HH:mm')}  ${f.kind}: ${f.reason}`,
      );
  }
  return out.join('\n');
}

export function formatResult(result: EventResult): string {
  return `${result.event} appliqué à ${result.conventionId}: phase ${result.phase}, période ${result.term}${result.replayed ? ' (réponse mémorisée: déjà appliqué avec cette clé d’idempotence)' : ''}`;
}
