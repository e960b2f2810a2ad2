import { formatFrenchDate } from '../../domain/calendar/dates';
import { formatEuros, frenchMonth } from '../../domain/mail/content';
import type { ActivityReport } from '../../domain/reports/activity';
import type { DeadlinesReport } from '../../domain/reports/deadlines';
import type { FinancingReport } from '../../domain/reports/financing';
import type { Reported } from '../reports/service';

/** The reports in a terminal, in French; `--json` and `--csv` give them whole. */

function pad(text: string, width: number, right = false): string {
  if (text.length >= width) return text;
  const fill = ' '.repeat(width - text.length);
  return right ? fill + text : text + fill;
}

/** Columns sized to their widest cell; numbers aligned right. */
function table(header: string[], rows: string[][], numeric: boolean[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => pad(c, widths[i]!, numeric[i]))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

const eur = (value: number | null) => (value === null ? '—' : formatEuros(value));

function freshnessLine(report: Reported<unknown>): string {
  const f = report.freshness;
  const when = new Date(f.dataAsOf).toLocaleString('fr-FR', { timeZone: 'Europe/Paris' });
  return `${f.stale ? 'ATTENTION: chiffres anciens, ' : ''}données lues dans Temporal le ${when}; ${
    (report as Reported<{ scope: { conventions: number } }>).scope.conventions
  } convention(s)${f.unreadable.length ? `; illisibles: ${f.unreadable.join(', ')}` : ''}`;
}

export function formatFinancing(report: Reported<FinancingReport>): string {
  const out: string[] = [freshnessLine(report)];
  for (const year of report.years) {
    const rows = report.rows.filter((r) => r.year === year);
    out.push('', `Financement ${year} (lignes dont l’échéance tombe en ${year})`);
    if (rows.length === 0) {
      out.push('  aucune ligne');
      continue;
    }
    out.push(
      ...table(
        [
          'DÉPARTEMENT',
          'PAYEUR',
          'LIGNES',
          'PRÉVU',
          'VERSÉ',
          'EN RETARD',
          'NON VERSÉ',
          'SANS OBJET OU CLOS',
          'À ÉCHOIR',
        ],
        rows.map((r) => {
          const late = { lines: r.byStatus.late.lines + r.byStatus.partial.lines + r.byStatus.due.lines };
          const money = (eurValue: number | null, lines: number) =>
            eurValue === null ? `${lines} mois` : eur(eurValue);
          return [
            r.place.code ? `${r.place.code} ${r.place.name}` : r.place.name,
            r.payerLabel,
            String(r.lines),
            r.plannedEur === null ? `${r.lines} mois` : eur(r.plannedEur),
            r.plannedEur === null ? `${r.byStatus.paid.lines} mois` : eur(r.paidEur),
            r.plannedEur === null
              ? `${late.lines} mois`
              : eur((r.byStatus.late.eur ?? 0) + (r.byStatus.partial.eur ?? 0) + (r.byStatus.due.eur ?? 0)),
            money(r.byStatus.unpaid.eur, r.byStatus.unpaid.lines),
            money(
              r.byStatus.waived.eur === null
                ? null
                : r.byStatus.waived.eur + (r.byStatus.written_off.eur ?? 0),
              r.byStatus.waived.lines + r.byStatus.written_off.lines,
            ),
            money(r.byStatus.upcoming.eur, r.byStatus.upcoming.lines),
          ];
        }),
        [false, false, true, true, true, true, true, true, true],
      ).map((l) => `  ${l}`),
    );
  }
  out.push('', 'Conventions suspendues (non-versement des crédits, art. 9)');
  if (report.suspended.length === 0) out.push('  aucune');
  for (const s of report.suspended) {
    out.push(`  ${s.conventionId} — ${s.title}, suspendue depuis le ${formatFrenchDate(s.since)}`);
    for (const l of s.lines)
      out.push(`    ${l.label}: ${l.payer}, ${eur(l.outstandingEur)} (échéance ${l.dueDate})`);
  }
  const national = report.forecast.rows.filter((r) => r.place.code === null);
  out.push('', 'Douze prochains mois (ensemble): montants prévus, et ceux des reconductions décidées');
  out.push(
    ...table(
      ['MOIS', 'ÉTAT', 'COFINANCEURS', 'SALAIRES', 'RECONDUCTIONS'],
      report.forecast.months.map((month) => {
        const of = (payer: (p: string) => boolean) =>
          national.filter((r) => r.month === month && payer(r.payer));
        const sum = (rows: typeof national, pick: (r: (typeof national)[number]) => number | null) =>
          rows.reduce((n, r) => n + (pick(r) ?? 0), 0);
        const state = of((p) => p === 'etat');
        const co = of((p) => p !== 'etat' && p !== 'employeur');
        const salaries = of((p) => p === 'employeur');
        const renewals = national.filter((r) => r.month === month);
        return [
          frenchMonth(month),
          eur(sum(state, (r) => r.plannedEur)),
          eur(sum(co, (r) => r.plannedEur)),
          `${sum(salaries, (r) => r.lines)} mois`,
          eur(sum(renewals, (r) => r.renewalEur)),
        ];
      }),
      [false, true, true, true, true],
    ).map((l) => `  ${l}`),
  );
  out.push('', 'Périodes qui s’achèvent dans les douze mois');
  if (report.endingTerms.length === 0) out.push('  aucune');
  for (const t of report.endingTerms)
    out.push(
      `  ${t.endDate}  ${t.conventionId} (période ${t.term}): ${t.renewalLabel}${t.decidedOn ? ` le ${t.decidedOn}` : ''}; État ${eur(t.stateAnnualEur)} par an`,
    );
  return out.join('\n');
}

export function formatDeadlines(report: Reported<DeadlinesReport>): string {
  const out = [
    freshnessLine(report),
    '',
    `Échéances en retard ou d’ici le ${formatFrenchDate(report.until)}`,
  ];
  if (report.rows.length === 0) out.push('  aucune');
  out.push(
    ...table(
      ['ÉCHÉANCE', 'JOURS', 'DÉP.', 'CONVENTION', 'ÉCHÉANCE DE', 'QUI DOIT AGIR'],
      report.rows.map((r) => [
        r.dueDate,
        r.overdue ? `${r.daysLeft} (retard)` : String(r.daysLeft),
        r.place.code ?? '',
        r.conventionId,
        r.label,
        r.actors.map((a) => a.organisation).join(', ') || '(information)',
      ]),
      [false, true, false, false, false, false],
    ).map((l) => `  ${l}`),
  );
  return out.join('\n');
}

export function formatActivity(report: Reported<ActivityReport>): string {
  const out = [freshnessLine(report)];
  for (const year of report.years) {
    const rows = report.rows.filter((r) => r.year === year);
    out.push('', `Bilans d’activité ${year} (années de convention qui s’achèvent en ${year})`);
    if (rows.length === 0) {
      out.push('  aucun bilan attendu');
      continue;
    }
    out.push(
      ...table(
        ['DÉPARTEMENT', 'ATTENDUS', 'REÇUS', 'EN RETARD', 'PAS ENCORE DUS', 'POSTE VACANT'],
        rows.map((r) => [
          r.place.code ? `${r.place.code} ${r.place.name}` : r.place.name,
          String(r.expected),
          String(r.received),
          String(r.late),
          String(r.notDueYet),
          String(r.vacantPartOfYear + r.vacantWholeYear),
        ]),
        [false, true, true, true, true, true],
      ).map((l) => `  ${l}`),
    );
    const whole = rows.find((r) => r.place.code === null);
    if (whole && Object.keys(whole.indicators).length > 0) {
      out.push('  Indicateurs (ensemble, bilans reçus):');
      for (const name of report.indicators) {
        const sum = whole.indicators[name];
        if (sum)
          out.push(`    ${pad(name, 32)} ${pad(String(sum.total), 10, true)}  (${sum.reports} bilan(s))`);
      }
    }
  }
  return out.join('\n');
}
