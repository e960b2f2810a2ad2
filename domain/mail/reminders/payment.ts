import { formatFrenchDate } from '../../calendar/dates';
import type { ConventionContext, LedgerItem } from '../../lifecycle/context';
import { amountPaid } from '../../lifecycle/term';
import { mailAction } from '../actions';
import { dated, formatEuros, frenchMonth, ofFrenchMonth, type Fact } from '../content';
import { organisations, partyRecipients } from '../recipients';
import { copies, deadlineIcs, reminderWord, tag, type ReminderBody, type ReminderOccasion } from './common';

/** "versement du salaire de mars 2027", "contribution de la Ville de Lille, année 2". */
export function paymentLabel(context: ConventionContext, item: LedgerItem): string {
  if (item.kind === 'salary') return `versement du salaire ${ofFrenchMonth(item.month ?? '')}`;
  if (item.kind === 'state-participation') return `participation de l’État, année ${item.termYear}`;
  const payer = context.data.parties[item.payerPartyId]?.organisation ?? item.payerPartyId;
  return `contribution de ${payer}, année ${item.termYear}`;
}

/**
 * To the payer of a ledger line: what is due, what was received, how to record the payment; a
 * share's reminder goes to the employer in copy, who waits for it.
 */
export function paymentReminder(o: ReminderOccasion, item: LedgerItem): ReminderBody {
  const { context, rung } = o;
  const payer = item.payerPartyId;
  const employer = context.data.employerPartyId;
  const label = paymentLabel(context, item);
  const paid = amountPaid(item);
  const suspended = context.suspensions.find((s) => s.to === null) ?? null;
  const salary = item.kind === 'salary';
  const remaining = item.plannedAmountEur === null ? null : Math.max(item.plannedAmountEur - paid, 0);
  const facts: Fact[] = [
    { label: 'Échéance', value: formatFrenchDate(item.dueDate) },
    { label: 'Attendu de', value: organisations(context, [payer]) },
    { label: 'Référence de l’échéance', value: item.id },
  ];
  if (item.plannedAmountEur !== null)
    facts.push({ label: 'Montant prévu', value: formatEuros(item.plannedAmountEur) });
  if (paid > 0) facts.push({ label: 'Déjà reçu', value: formatEuros(paid) });
  const escalation = copies(o, [payer]);
  return {
    template: salary ? 'reminders/salary-payment' : 'reminders/contribution',
    summary: `${reminderWord(rung)}: ${label} (${tag(rung, escalation.length > 0)})`,
    to: partyRecipients(context, [payer]),
    cc: [
      ...(!salary && employer && employer !== payer ? partyRecipients(context, [employer]) : []),
      ...escalation,
    ],
    data: {
      deadline: { label, ...dated(item.dueDate) },
      item: {
        id: item.id,
        kind: item.kind,
        month: item.month ? frenchMonth(item.month) : null,
        termYear: item.termYear,
        plannedAmountEur: item.plannedAmountEur,
        paidEur: paid,
        remainingEur: remaining,
        nonPaymentNotedOn: item.nonPayment ? formatFrenchDate(item.nonPayment.notedOn) : null,
      },
      payer: organisations(context, [payer]),
      employer: employer ? organisations(context, [employer]) : null,
      suspendedSince: suspended ? formatFrenchDate(suspended.from) : null,
      facts,
      action: mailAction(context.conventionId, 'RECORD_PAYMENT', {
        itemId: item.id,
        paidOn: 'AAAA-MM-JJ',
        ...(salary ? {} : { amountEur: remaining }),
      }),
    },
    ics: deadlineIcs(o, item.id, item.dueDate, label),
  };
}
