import { patched, setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { currentDetails, searchAttributeValues, type SearchAttributeValues } from '../domain/presentation';
import { searchAttributes, type ConventionState } from '../domain/temporal-contract';

/**
 * What the Web UI shows of a convention: its search attributes, upserted only when one of them
 * changed (an upsert is an event in the history), and its current details.
 */
export class Publication {
  private published = '';
  // Runs recorded before IscgPartyRoles existed did not upsert it: they start to at their next change.
  private withPartyRoles = false;

  publish(current: ConventionState): void {
    this.withPartyRoles ||= patched('party-roles-attribute');
    const { partyRoles, ...values } = searchAttributeValues(current);
    const published = this.withPartyRoles ? { ...values, partyRoles } : values;
    const serialized = JSON.stringify(published);
    if (serialized !== this.published) {
      upsertSearchAttributes([
        ...typedAttributes(values),
        ...(this.withPartyRoles ? [{ key: searchAttributes.partyRoles, value: partyRoles }] : []),
      ]);
      this.published = serialized;
    }
    setCurrentDetails(currentDetails(current));
  }
}

function typedAttributes(values: Omit<SearchAttributeValues, 'partyRoles'>): SearchAttributeUpdatePair[] {
  const date = (civil: string | null) => (civil ? [new Date(`${civil}T00:00:00Z`)] : []);
  return [
    { key: searchAttributes.phase, value: values.phase },
    { key: searchAttributes.departement, value: values.departement },
    { key: searchAttributes.site, value: values.site },
    { key: searchAttributes.employer, value: values.employer },
    { key: searchAttributes.termNumber, value: values.termNumber },
    { key: searchAttributes.termEnd, value: date(values.termEnd)[0] ?? null },
    { key: searchAttributes.nextDeadline, value: date(values.nextDeadline)[0] ?? null },
    { key: searchAttributes.nextDeadlineKind, value: values.nextDeadlineKind },
    { key: searchAttributes.nextActor, value: values.nextActor },
    { key: searchAttributes.suspended, value: values.suspended },
  ];
}
