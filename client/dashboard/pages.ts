import { formatFrenchDate } from '../../domain/calendar/dates';
import { PHASE_LABELS, PHASES } from '../../domain/lifecycle/phase';
import { formatEuros, frenchMonth } from '../../domain/mail/content';
import type { ActivityReport } from '../../domain/reports/activity';
import { PAYER_KINDS } from '../../domain/reports/common';
import type { DeadlinesReport } from '../../domain/reports/deadlines';
import type { LedgerStatus } from '../../domain/lifecycle/term';
import type { FinancingReport, FinancingRow } from '../../domain/reports/financing';
import type { Principal } from '../auth/principal';
import type { Reported } from '../reports/service';
import { barChart, PALETTE, type ChartSpec } from './charts';
import { html, type SafeHtml } from './html';

/**
 * The pages of `/tableau-de-bord`: plain HTML and CSS, French, one `h1` per page, a skip link, a
 * labelled form for the filters, tables with captions and header cells, and SVG charts each with a
 * text alternative and the table of its values. No script at all.
 */

export const BASE = '/tableau-de-bord';

const integer = new Intl.NumberFormat('fr-FR');
const count = (n: number) => integer.format(n);
const euros = (n: number | null) => (n === null ? '—' : formatEuros(n));

export interface PageContext {
  principal: Principal;
  /** The filters as the person typed them, to show them again. */
  query: Record<string, string>;
  /** A problem with the filters, shown above the form. */
  error?: string;
}

function scopeText(principal: Principal): string {
  const grant = principal.grant;
  switch (grant.kind) {
    case 'operator':
      return grant.departements
        ? `opérateur, départements ${grant.departements.join(', ')}`
        : 'opérateur, toutes les conventions';
    case 'party-role':
      return `rôle « ${grant.role} », départements ${grant.departements.join(', ')}`;
    case 'party':
      return `partie « ${grant.partyId} », ${grant.conventions.length} convention(s)`;
  }
}

const NAV = [
  { href: BASE, label: 'Financement' },
  { href: `${BASE}/echeances`, label: 'Échéances' },
  { href: `${BASE}/activite`, label: 'Activité' },
];

export function layout(options: {
  title: string;
  current?: string;
  principal?: Principal;
  body: SafeHtml;
}): string {
  return html`<!doctype html>
    <html lang="fr">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>${options.title} — Tableau de bord des conventions ISCG</title>
        <link rel="stylesheet" href="${BASE}/style.css" />
      </head>
      <body>
        <a class="skip" href="#contenu">Aller au contenu</a>
        <header class="site">
          <p class="brand">Conventions ISCG <span>— tableau de bord</span></p>
          ${
            options.principal
              ? html`<nav aria-label="Rapports">
                    <ul>
                      ${NAV.map(
                        (item) =>
                          html`<li>
                            <a
                              href="${item.href}"
                              ${item.href === options.current ? html`aria-current="page"` : ''}
                              >${item.label}</a
                            >
                          </li>`,
                      )}
                    </ul>
                  </nav>
                  <div class="who">
                    <p>Clé « ${options.principal.keyId} » : ${scopeText(options.principal)}</p>
                    <form method="post" action="${BASE}/deconnexion">
                      <button type="submit">Se déconnecter</button>
                    </form>
                  </div>`
              : ''
          }
        </header>
        <main id="contenu" tabindex="-1">${options.body}</main>
        <footer>
          <p>
            Chiffres calculés à partir de l’état de chaque convention, tel que Temporal le conserve. Les mêmes
            données: <code>GET /reports/financing</code>, <code>/reports/deadlines</code>,
            <code>/reports/activity</code> et <code>iscg report</code>.
          </p>
        </footer>
      </body>
    </html>`.value;
}

export function loginPage(options: { error?: string; keyId?: string } = {}): string {
  return layout({
    title: 'Connexion',
    body: html`<h1>Connexion au tableau de bord</h1>
      <p>
        Saisissez la clé d’API de votre service (celle qu’utilise votre système ou la ligne de commande
        <code>iscg</code>). Vous verrez les conventions que cette clé permet de lire, et elles seules.
      </p>
      ${options.error ? html`<p class="alert" role="alert">${options.error}</p>` : ''}
      <form method="post" action="${BASE}/connexion" class="login">
        <label for="cle">Clé d’API</label>
        <input
          id="cle"
          name="cle"
          type="password"
          required
          autocomplete="off"
          spellcheck="false"
          aria-describedby="cle-aide"
        />
        <p id="cle-aide" class="hint">
          Elle commence par « iscg_ ». Elle est gardée dans un cookie de ce site, réservé au tableau de bord,
          jusqu’à la déconnexion ou pendant douze heures au plus.
        </p>
        <button type="submit">Se connecter</button>
      </form>`,
  });
}

function freshness(report: Reported<{ scope: { conventions: number } }>): SafeHtml {
  const f = report.freshness;
  const when = new Date(f.dataAsOf).toLocaleString('fr-FR', {
    timeZone: 'Europe/Paris',
    dateStyle: 'long',
    timeStyle: 'short',
  });
  return html`<p class="freshness">
      ${count(report.scope.conventions)} convention(s) prises en compte; chiffres lus dans Temporal le ${when}
      (heure de Paris).
    </p>
    ${
      f.stale
        ? html`<p class="alert" role="alert">
            Ces chiffres ont plus d’une minute: Temporal ne répond pas pour l’instant. Ils seront mis à jour
            dès son retour.
          </p>`
        : ''
    }
    ${
      f.unreadable.length > 0
        ? html`<p class="alert" role="alert">
            Conventions illisibles à la dernière lecture: ${f.unreadable.join(', ')}.
          </p>`
        : ''
    }`;
}

function filters(
  context: PageContext,
  path: string,
  fields: { years?: boolean; days?: boolean },
  csv: { href: string; label: string }[],
): SafeHtml {
  const q = context.query;
  return html`${context.error ? html`<p class="alert" role="alert">${context.error}</p>` : ''}
    <form method="get" action="${path}" class="filters" aria-label="Filtres">
      ${
        fields.years
          ? html`<div>
              <label for="years">Années</label>
              <input
                id="years"
                name="years"
                value="${q.years ?? ''}"
                inputmode="numeric"
                aria-describedby="years-aide"
              />
              <p id="years-aide" class="hint">2027, 2027-2029 ou 2026,2028</p>
            </div>`
          : ''
      }
      ${
        fields.days
          ? html`<div>
              <label for="days">Horizon (jours)</label>
              <input id="days" name="days" value="${q.days ?? '30'}" inputmode="numeric" />
            </div>`
          : ''
      }
      <div>
        <label for="departements">Départements</label>
        <input
          id="departements"
          name="departements"
          value="${q.departements ?? ''}"
          aria-describedby="departements-aide"
        />
        <p id="departements-aide" class="hint">Codes séparés par des virgules (59,62,2A); vide: tous</p>
      </div>
      <div>
        <label for="phase">Phase</label>
        <select id="phase" name="phase">
          <option value="">toutes</option>
          ${PHASES.map(
            (p) =>
              html`<option value="${p}" ${q.phase === p ? html`selected` : ''}>${PHASE_LABELS[p]}</option>`,
          )}
        </select>
      </div>
      <button type="submit">Afficher</button>
    </form>
    <p class="downloads">
      Télécharger (CSV pour tableur, séparateur « ; »):
      ${csv.map((c, i) => html`${i > 0 ? ', ' : ''}<a href="${c.href}" download>${c.label}</a>`)}
    </p>`;
}

function queryString(query: Record<string, string>, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...query, ...extra })) if (v) params.set(k, v);
  const text = params.toString();
  return text ? `?${text}` : '';
}

const SHORT_MONTHS = [
  'janv.',
  'févr.',
  'mars',
  'avr.',
  'mai',
  'juin',
  'juil.',
  'août',
  'sept.',
  'oct.',
  'nov.',
  'déc.',
];

/** "déc. 2026" under a bar; the table says "décembre 2026". */
function shortMonth(month: string): string {
  return `${SHORT_MONTHS[Number(month.slice(5, 7)) - 1]} ${month.slice(0, 4)}`;
}

function yearsLabel(years: number[]): string {
  return years.length === 1 ? String(years[0]) : `${years[0]}–${years.at(-1)}`;
}

/** What is left to pay past its due date: late, part paid, due today. */
function sumOf(row: FinancingRow, statuses: LedgerStatus[]): { lines: number; eur: number | null } {
  const parts = statuses.map((status) => row.byStatus[status]);
  return {
    lines: parts.reduce((n, p) => n + p.lines, 0),
    eur: row.plannedEur === null ? null : parts.reduce((n, p) => n + (p.eur ?? 0), 0),
  };
}

const overdue = (row: FinancingRow) => sumOf(row, ['late', 'partial', 'due']);
const settledWithoutPayment = (row: FinancingRow) => sumOf(row, ['waived', 'written_off']);

function money(row: FinancingRow, figures: { lines: number; eur: number | null }): string {
  return row.plannedEur === null ? `${count(figures.lines)} mois` : euros(figures.eur);
}

/** `conventions` is left out when rows sum several years: a convention counts in each of them. */
function payerTable(caption: string, rows: FinancingRow[], withPlace: boolean, conventions = true): SafeHtml {
  return html`<table>
    <caption>
      ${caption}
    </caption>
    <thead>
      <tr>
        ${withPlace ? html`<th scope="col">Département</th>` : ''}
        <th scope="col">Payeur</th>
        ${conventions ? html`<th scope="col" class="num">Conventions</th>` : ''}
        <th scope="col" class="num">Prévu</th>
        <th scope="col" class="num">Versé</th>
        <th scope="col" class="num">En retard</th>
        <th scope="col" class="num">Non-versement constaté</th>
        <th scope="col" class="num">Sans objet (poste vacant) ou clos sans paiement</th>
        <th scope="col" class="num">À échoir</th>
      </tr>
    </thead>
    <tbody>
      ${rows.map(
        (r) =>
          html`<tr>
            ${withPlace ? html`<td>${r.place.code} ${r.place.name}</td>` : ''}
            <th scope="row">${r.payerLabel}</th>
            ${conventions ? html`<td class="num">${count(r.conventions)}</td>` : ''}
            <td class="num">${r.plannedEur === null ? `${count(r.lines)} mois` : euros(r.plannedEur)}</td>
            <td class="num">
              ${r.plannedEur === null ? `${count(r.byStatus.paid.lines)} mois` : euros(r.paidEur)}
            </td>
            <td class="num">${money(r, overdue(r))}</td>
            <td class="num">${money(r, r.byStatus.unpaid)}</td>
            <td class="num">${money(r, settledWithoutPayment(r))}</td>
            <td class="num">${money(r, r.byStatus.upcoming)}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

type PlacedRow = { place: { code: string | null; name: string } };

/** The départements a report's rows name, once each, in the rows' order (national rows have none). */
function departementsIn(rows: readonly PlacedRow[]): { code: string; name: string }[] {
  const places = new Map<string, { code: string; name: string }>();
  for (const { place } of rows)
    if (place.code !== null) places.set(place.code, { code: place.code, name: place.name });
  return [...places.values()];
}

/** A horizontal chart's bars, one per département, each series the sum of that département's rows. */
function barPerDepartement<R extends PlacedRow>(
  rows: readonly R[],
  series: Record<string, (row: R) => number | null>,
): Pick<ChartSpec, 'orientation' | 'barHeader' | 'bars'> {
  return {
    orientation: 'horizontal',
    barHeader: 'Département',
    bars: departementsIn(rows).map((place) => {
      const own = rows.filter((r) => r.place.code === place.code);
      return {
        label: `${place.code} ${place.name}`,
        values: Object.fromEntries(
          Object.entries(series).map(([key, pick]) => [key, own.reduce((n, r) => n + (pick(r) ?? 0), 0)]),
        ),
      };
    }),
  };
}

export function financingPage(report: Reported<FinancingReport>, context: PageContext): string {
  const years = yearsLabel(report.years);
  const national = report.rows.filter((r) => r.place.code === null);
  // The whole of each payer over the years asked (a row per year and payer in the report).
  const sumRows = (rows: FinancingRow[]): FinancingRow[] =>
    PAYER_KINDS.map((payer) => rows.filter((r) => r.payer === payer))
      .filter((group) => group.length > 0)
      .map((group) =>
        group.reduce((a, b) => ({
          ...a,
          lines: a.lines + b.lines,
          plannedEur: a.plannedEur === null ? null : a.plannedEur + (b.plannedEur ?? 0),
          paidEur: a.paidEur === null ? null : a.paidEur + (b.paidEur ?? 0),
          byStatus: Object.fromEntries(
            Object.entries(a.byStatus).map(([s, f]) => [
              s,
              {
                lines: f.lines + b.byStatus[s as keyof typeof a.byStatus].lines,
                eur: f.eur === null ? null : f.eur + (b.byStatus[s as keyof typeof a.byStatus].eur ?? 0),
              },
            ]),
          ) as FinancingRow['byStatus'],
        })),
      );
  const places = departementsIn(report.rows);
  const byPlace = barChart({
    id: 'montants-par-departement',
    title: `État et cofinanceurs, par département (${years})`,
    description: `Pour chaque département, les montants des lignes de ${years}: versés, en retard, non versés (non-versement constaté) et à échoir. ${places.length} département(s).`,
    format: (n) => formatEuros(n),
    series: [
      { key: 'paid', label: 'Versé', color: PALETTE.green },
      { key: 'late', label: 'En retard', color: PALETTE.orange },
      { key: 'unpaid', label: 'Non-versement constaté', color: PALETTE.vermillion },
      { key: 'upcoming', label: 'À échoir', color: PALETTE.sky },
    ],
    // Salary lines count months, not euros: their amounts are null and add nothing.
    ...barPerDepartement(report.rows, {
      paid: (r) => r.byStatus.paid.eur,
      late: (r) => overdue(r).eur,
      unpaid: (r) => r.byStatus.unpaid.eur,
      upcoming: (r) => r.byStatus.upcoming.eur,
    }),
  });
  const forecastRows = report.forecast.rows.filter((r) => r.place.code === null);
  const monthSum = (month: string, pick: (payer: string) => boolean, field: 'plannedEur' | 'renewalEur') =>
    forecastRows.filter((r) => r.month === month && pick(r.payer)).reduce((n, r) => n + (r[field] ?? 0), 0);
  const byMonth = barChart({
    id: 'douze-mois',
    title: 'Les douze prochains mois: montants dus par mois',
    description: `Montants prévus par les conventions pour chaque mois de ${frenchMonth(report.forecast.months[0]!)} à ${frenchMonth(report.forecast.months.at(-1)!)}: part de l’État, des cofinanceurs, et lignes des périodes dont la reconduction est décidée.`,
    orientation: 'vertical',
    barHeader: 'Mois',
    format: (n) => formatEuros(n),
    series: [
      { key: 'state', label: 'État', color: PALETTE.blue },
      { key: 'co', label: 'Cofinanceurs', color: PALETTE.orange },
      { key: 'renewal', label: 'Reconductions décidées', color: PALETTE.purple },
    ],
    bars: report.forecast.months.map((month) => ({
      label: frenchMonth(month),
      axisLabel: shortMonth(month),
      values: {
        state: monthSum(month, (p) => p === 'etat', 'plannedEur'),
        co: monthSum(month, (p) => p !== 'etat' && p !== 'employeur', 'plannedEur'),
        renewal: monthSum(month, (p) => p !== 'employeur', 'renewalEur'),
      },
    })),
  });
  const q = context.query;
  const csv = (table: string, label: string) => ({
    href: `${BASE}/financement.csv${queryString(q, { table })}`,
    label,
  });
  return layout({
    title: `Financement ${years}`,
    current: BASE,
    principal: context.principal,
    body: html`<h1>Financement ${years}</h1>
      ${freshness(report)}
      ${filters(context, BASE, { years: true }, [
        csv('annees', 'par année, département et payeur'),
        csv('previsions', 'douze prochains mois'),
        csv('suspensions', 'conventions suspendues'),
        csv('fins-de-periode', 'fins de période'),
      ])}
      <section aria-labelledby="ensemble">
        <h2 id="ensemble">Ce que chacun doit et où il en est</h2>
        <p>
          Lignes de l’échéancier dont l’échéance tombe en ${years}, au ${formatFrenchDate(report.today)}. Les
          salaires, dont la convention fixe le jour et non le montant, se comptent en mois.
        </p>
        ${
          national.length > 0
            ? payerTable(
                `Ensemble des conventions prises en compte, ${years}`,
                sumRows(national),
                false,
                report.years.length === 1,
              )
            : html`<p>Aucune ligne de l’échéancier en ${years}.</p>`
        }
        ${places.length > 0 ? byPlace : ''}
        ${
          places.length > 0
            ? html`<details>
                <summary>Le détail par département et payeur</summary>
                ${payerTable(
                  `Par département et payeur, ${years}`,
                  places.flatMap((p) => sumRows(report.rows.filter((r) => r.place.code === p.code))),
                  true,
                  report.years.length === 1,
                )}
              </details>`
            : ''
        }
      </section>
      <section aria-labelledby="prevision">
        <h2 id="prevision">Les douze prochains mois</h2>
        ${byMonth}
      </section>
      <section aria-labelledby="suspendues">
        <h2 id="suspendues">Conventions suspendues (non-versement des crédits, art. 9)</h2>
        ${
          report.suspended.length === 0
            ? html`<p>Aucune convention n’est suspendue.</p>`
            : html`<table>
                <caption>
                  Conventions suspendues et lignes non versées
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Convention</th>
                    <th scope="col">Suspendue depuis le</th>
                    <th scope="col">Ligne non versée</th>
                    <th scope="col">Payeur</th>
                    <th scope="col" class="num">Reste dû</th>
                  </tr>
                </thead>
                <tbody>
                  ${report.suspended.flatMap((s) =>
                    s.lines.map(
                      (l) =>
                        html`<tr>
                          <th scope="row">${s.title} <span class="id">${s.conventionId}</span></th>
                          <td>${formatFrenchDate(s.since)}</td>
                          <td>${l.label} (échéance du ${formatFrenchDate(l.dueDate)})</td>
                          <td>${l.payer}</td>
                          <td class="num">${euros(l.outstandingEur)}</td>
                        </tr>`,
                    ),
                  )}
                </tbody>
              </table>`
        }
      </section>
      <section aria-labelledby="fins">
        <h2 id="fins">Périodes qui s’achèvent dans les douze mois</h2>
        ${
          report.endingTerms.length === 0
            ? html`<p>Aucune période ne s’achève dans les douze mois.</p>`
            : html`<table>
                <caption>
                  Échéances de période et reconduction
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Convention</th>
                    <th scope="col">Fin de la période</th>
                    <th scope="col">Reconduction</th>
                    <th scope="col" class="num">Participation annuelle de l’État</th>
                    <th scope="col" class="num">Cofinancements annuels</th>
                  </tr>
                </thead>
                <tbody>
                  ${report.endingTerms.map(
                    (t) =>
                      html`<tr>
                        <th scope="row">${t.title} <span class="id">${t.conventionId}</span></th>
                        <td>${formatFrenchDate(t.endDate)}</td>
                        <td>${t.renewalLabel}${t.decidedOn ? ` (${formatFrenchDate(t.decidedOn)})` : ''}</td>
                        <td class="num">${euros(t.stateAnnualEur)}</td>
                        <td class="num">${euros(t.coFinancersAnnualEur)}</td>
                      </tr>`,
                  )}
                </tbody>
              </table>`
        }
      </section>`,
  });
}

export function deadlinesPage(report: Reported<DeadlinesReport>, context: PageContext): string {
  const weeks = barChart({
    id: 'echeances-par-semaine',
    title: `Échéances par semaine, jusqu’au ${formatFrenchDate(report.until)}`,
    description: `${count(report.rows.filter((r) => r.overdue).length)} échéance(s) déjà dépassée(s), puis le nombre d’échéances de chaque semaine (désignée par son lundi) des ${report.days} prochains jours.`,
    orientation: 'vertical',
    barHeader: 'Semaine',
    format: count,
    series: [
      { key: 'overdue', label: 'En retard', color: PALETTE.vermillion },
      { key: 'coming', label: 'À venir', color: PALETTE.blue },
    ],
    bars: report.weeks.map((w) => ({
      label: w.label,
      axisLabel: w.weekStart ? `${w.weekStart.slice(8)}/${w.weekStart.slice(5, 7)}` : 'en retard',
      values: { overdue: w.overdue, coming: w.deadlines - w.overdue },
    })),
  });
  return layout({
    title: 'Échéances',
    current: `${BASE}/echeances`,
    principal: context.principal,
    body: html`<h1>Échéances en retard ou dans les ${report.days} prochains jours</h1>
      ${freshness(report)}
      ${filters(context, `${BASE}/echeances`, { days: true }, [
        { href: `${BASE}/echeances.csv${queryString(context.query)}`, label: 'la liste' },
      ])}
      ${weeks}
      <section aria-labelledby="liste">
        <h2 id="liste">Qui doit agir, et quand</h2>
        ${
          report.rows.length === 0
            ? html`<p>Aucune échéance en retard ni dans les ${report.days} prochains jours.</p>`
            : html`<table>
                <caption>
                  ${count(report.rows.length)} échéance(s), de la plus ancienne à la plus lointaine
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Échéance</th>
                    <th scope="col">Délai</th>
                    <th scope="col">Convention</th>
                    <th scope="col">Échéance de</th>
                    <th scope="col">Qui doit agir</th>
                  </tr>
                </thead>
                <tbody>
                  ${report.rows.map(
                    (r) =>
                      html`<tr class="${r.overdue ? 'overdue' : ''}">
                        <td>${formatFrenchDate(r.dueDate)}</td>
                        <td>
                          ${
                            r.overdue
                              ? html`<strong>en retard de ${count(-r.daysLeft)} j</strong>`
                              : r.daysLeft === 0
                                ? "aujourd'hui"
                                : `dans ${count(r.daysLeft)} j`
                          }
                        </td>
                        <th scope="row">
                          ${r.title} <span class="id">${r.conventionId} — ${r.phaseLabel}</span>
                        </th>
                        <td>${r.label}</td>
                        <td>
                          ${
                            r.actors.length === 0
                              ? html`<span class="hint">(pour information)</span>`
                              : r.actors.map((a) => a.organisation).join(', ')
                          }
                        </td>
                      </tr>`,
                  )}
                </tbody>
              </table>`
        }
      </section>`,
  });
}

export function activityPage(report: Reported<ActivityReport>, context: PageContext): string {
  const years = yearsLabel(report.years);
  const places = report.rows.filter((r) => r.place.code !== null);
  const whole = report.rows.filter((r) => r.place.code === null);
  const chart = barChart({
    id: 'bilans-par-departement',
    title: `Bilans d’activité par département (${years})`,
    description: `Pour chaque département, les bilans reçus, en retard et pas encore dus des années de convention qui s’achèvent en ${years}.`,
    format: count,
    series: [
      { key: 'received', label: 'Reçus', color: PALETTE.green },
      { key: 'late', label: 'En retard', color: PALETTE.vermillion },
      { key: 'notDueYet', label: 'Pas encore dus', color: PALETTE.sky },
    ],
    ...barPerDepartement(report.rows, {
      received: (r) => r.received,
      late: (r) => r.late,
      notDueYet: (r) => r.notDueYet,
    }),
  });
  return layout({
    title: `Activité ${years}`,
    current: `${BASE}/activite`,
    principal: context.principal,
    body: html`<h1>Bilans d’activité ${years}</h1>
      ${freshness(report)}
      ${filters(context, `${BASE}/activite`, { years: true }, [
        { href: `${BASE}/activite.csv${queryString(context.query)}`, label: 'bilans et indicateurs' },
      ])}
      <p>
        Un bilan par année de convention, compté dans l’année civile où cette année s’achève. Des nombres
        seulement, tels que les bilans les donnent: personne n’y est nommé.
      </p>
      ${places.length > 0 ? chart : html`<p>Aucun bilan attendu pour ${years}.</p>`}
      <section aria-labelledby="bilans">
        <h2 id="bilans">Bilans attendus et reçus</h2>
        <table>
          <caption>
            Bilans par année et département
          </caption>
          <thead>
            <tr>
              <th scope="col">Année</th>
              <th scope="col">Département</th>
              <th scope="col" class="num">Attendus</th>
              <th scope="col" class="num">Reçus</th>
              <th scope="col" class="num">En retard</th>
              <th scope="col" class="num">Pas encore dus</th>
              <th scope="col" class="num">Poste vacant une partie de l’année</th>
              <th scope="col" class="num">Poste vacant toute l’année</th>
            </tr>
          </thead>
          <tbody>
            ${report.rows.map(
              (r) =>
                html`<tr>
                  <td>${r.year}</td>
                  <th scope="row">${r.place.code ? `${r.place.code} ${r.place.name}` : r.place.name}</th>
                  <td class="num">${count(r.expected)}</td>
                  <td class="num">${count(r.received)}</td>
                  <td class="num">${count(r.late)}</td>
                  <td class="num">${count(r.notDueYet)}</td>
                  <td class="num">${count(r.vacantPartOfYear)}</td>
                  <td class="num">${count(r.vacantWholeYear)}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </section>
      <section aria-labelledby="indicateurs">
        <h2 id="indicateurs">Indicateurs additionnés</h2>
        ${
          report.indicators.length === 0
            ? html`<p>Aucun bilan reçu.</p>`
            : html`<table>
                <caption>
                  Somme de chaque indicateur sur les bilans reçus (ensemble)
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Indicateur</th>
                    ${whole.map((r) => html`<th scope="col" class="num">${r.year}</th>`)}
                  </tr>
                </thead>
                <tbody>
                  ${report.indicators.map(
                    (name) =>
                      html`<tr>
                        <th scope="row">${name}</th>
                        ${whole.map((r) => {
                          const sum = r.indicators[name];
                          return html`<td class="num">
                            ${sum ? `${count(sum.total)} (${count(sum.reports)} bilan${sum.reports > 1 ? 's' : ''})` : '—'}
                          </td>`;
                        })}
                      </tr>`,
                  )}
                </tbody>
              </table>`
        }
      </section>`,
  });
}
