import { enqueueActions, setup } from 'xstate';
import * as apply from './apply';
import { behaviourOf } from './behaviour';
import type { ConventionContext } from './context';
import type { Effect } from './effects';
import type { ExternalEvent, MachineEvent } from './events';
import * as rules from './rules';

/**
 * The life of one convention (art. 1 to 9). States and transitions live here; the rules that
 * guard each act are in rules.ts and what each accepted act changes is in apply.ts.
 *
 *   drafting → recruitment → signature → awaitingStart → inForce (parallel: funding, post, term)
 *                                                           └─ at expiry: renewed (re-enter), or
 *                                                              settling while lines are owed, then terminated
 */

/** The ledger's acts, the same whether funding is current or suspended and while settling. */
const LEDGER_ACTS = {
  RECORD_PAYMENT: { guard: 'recordPayment', actions: 'recordPayment' },
  RECORD_NON_PAYMENT: { guard: 'recordNonPayment', actions: 'recordNonPayment' },
  WRITE_OFF: { guard: 'writeOff', actions: 'writeOff' },
} as const;

/** What decides the end of a term (art. 9), before and after the concertation opens. */
const END_OF_TERM_ACTS = {
  DENOUNCE: { guard: 'denounce', actions: 'denounce' },
  RECORD_RENEWAL_DECISION: { guard: 'decideRenewal', actions: 'recordRenewalDecision' },
} as const;

type Applier = (context: ConventionContext, event: never) => apply.Applied;

interface Enqueue {
  assign: (assigner: () => ConventionContext) => void;
  emit: (effect: Effect) => void;
}

/** Runs an applier: assigns the new context and emits its effects. */
function run(applier: Applier) {
  return ({
    context,
    event,
    enqueue,
  }: {
    context: ConventionContext;
    event: MachineEvent;
    enqueue: Enqueue;
  }) => {
    const result = applier(context, event as never);
    enqueue.assign(() => result.context);
    for (const effect of result.effects) enqueue.emit(effect);
  };
}

type ApplierName = {
  [K in keyof typeof apply]: (typeof apply)[K] extends Applier ? K : never;
}[keyof typeof apply];

// The machine's own action types, which setup() would otherwise infer in place.
const runAction = (applier: Applier) =>
  enqueueActions<
    ConventionContext,
    MachineEvent,
    undefined,
    MachineEvent,
    never,
    never,
    never,
    never,
    Effect
  >(run(applier));

/** Actions named after the applier they run. */
function applying<const N extends ApplierName>(...names: N[]) {
  return Object.fromEntries(names.map((name) => [name, runAction(apply[name] as Applier)])) as Record<
    N,
    ReturnType<typeof runAction>
  >;
}

type GuardArgs = { context: ConventionContext; event: MachineEvent };
const passes = (r: rules.Rule, { context, event }: GuardArgs) => r(context, event) === null;

const isSelected = ({ event }: GuardArgs) =>
  event.type === 'RECORD_RECRUITMENT_DECISION' && event.payload.outcome === 'selected';
const completesSignatures = ({ context, event }: GuardArgs) =>
  event.type === 'SIGN' && rules.allSignedWith(context, event.payload.partyId);

type RuleName = {
  [K in keyof typeof rules]: (typeof rules)[K] extends rules.Rule ? K : never;
}[keyof typeof rules];

/** Guards named after the rule they enforce, with no condition added. */
function enforcing<const N extends RuleName>(...names: N[]) {
  return Object.fromEntries(names.map((name) => [name, { rule: rules[name] }])) as Record<
    N,
    { rule: rules.Rule }
  >;
}

/**
 * The guards that enforce a rule, each written once: the rule, and for a branch the condition it
 * adds. The machine passes a guard when its rule refuses nothing and its condition holds;
 * `explainRefusal` reads the rules (GUARD_RULES) to tell the sender why an act is refused.
 */
const RULE_GUARDS = {
  ...enforcing(
    'amendDraft',
    'amendContacts',
    'submitDraft',
    'composeSelectionCommittee',
    'recordApplications',
    'recordRecruitmentDecision',
    'sign',
    'recordPayment',
    'recordNonPayment',
    'writeOff',
    'submitActivityReport',
    'scheduleCommittee',
    'recordCommitteeReview',
    'declareVacancy',
    'denounce',
  ),
  candidateSelected: { rule: rules.recordRecruitmentDecision, and: isSelected },
  noSuitableCandidate: { rule: rules.recordRecruitmentDecision, and: (a: GuardArgs) => !isSelected(a) },
  signCompletesAfterStart: {
    rule: rules.sign,
    and: (a: GuardArgs) => completesSignatures(a) && rules.startReached(a.context, a.event.at),
  },
  signCompletes: { rule: rules.sign, and: completesSignatures },
  decideRenewal: { rule: rules.renewalConcertationOpen },
} satisfies Record<string, { rule: rules.Rule; and?: (a: GuardArgs) => boolean }>;

type RuleGuardName = keyof typeof RULE_GUARDS;
const ruleGuardNames = Object.keys(RULE_GUARDS) as RuleGuardName[];

export const GUARD_RULES = Object.fromEntries(
  ruleGuardNames.map((name) => [name, RULE_GUARDS[name].rule]),
) as Record<RuleGuardName, rules.Rule>;

const ruleGuards = Object.fromEntries(
  ruleGuardNames.map((name) => {
    const guard: { rule: rules.Rule; and?: (a: GuardArgs) => boolean } = RULE_GUARDS[name];
    return [name, (a: GuardArgs) => passes(guard.rule, a) && (guard.and?.(a) ?? true)];
  }),
) as Record<RuleGuardName, (a: GuardArgs) => boolean>;

export const conventionMachine = setup({
  types: {
    context: {} as ConventionContext,
    events: {} as MachineEvent,
    input: {} as ConventionContext,
    emitted: {} as Effect,
  },
  guards: {
    ...ruleGuards,
    hasOutstandingNonPayment: ({ context }: GuardArgs) => rules.hasOutstandingNonPayment(context),
    noOutstandingNonPayment: ({ context }: GuardArgs) => !rules.hasOutstandingNonPayment(context),
    postVacant: ({ context }: GuardArgs) => context.post.status === 'vacant',
    postFilled: ({ context }: GuardArgs) => context.post.status === 'filled',
    startReached: ({ context, event }: GuardArgs) => rules.startReached(context, event.at),
    concertationReached: ({ context, event }: GuardArgs) => rules.concertationReached(context, event.at),
    expiredWithRenewal: ({ context, event }: GuardArgs) =>
      rules.expired(context, event.at) && rules.renewalAgreed(context),
    expiredWithOpenLines: ({ context, event }: GuardArgs) =>
      rules.expired(context, event.at) && behaviourOf(event).termEdges && rules.hasUnsettledLines(context),
    expired: ({ context, event }: GuardArgs) => rules.expired(context, event.at),
    allLinesSettled: ({ context }: GuardArgs) => !rules.hasUnsettledLines(context),
  },
  actions: {
    ...applying(
      'amend',
      'submitDraft',
      'composeSelectionCommittee',
      'recordApplications',
      'recordRecruitmentDecision',
      'sign',
      'reopenDrafting',
      'enterFirstTerm',
      'openConcertation',
      'recordPayment',
      'recordNonPayment',
      'writeOff',
      'closeSettlement',
      'submitActivityReport',
      'scheduleCommittee',
      'recordCommitteeReview',
      'declareVacancy',
      'recordRenewalDecision',
      'denounce',
      'renewTerm',
    ),
    signaturesComplete: enqueueActions(
      run((context) => ({ context, effects: apply.signaturesComplete(context) })),
    ),
    abandon: enqueueActions(
      run((context, event: ExternalEvent) =>
        apply.terminate(context, event, 'abandoned', event.type === 'ABANDON' ? event.payload.reason : null),
      ),
    ),
    endAtExpiry: enqueueActions(
      run((context, event: MachineEvent) =>
        apply.terminate(
          context,
          event,
          context.denunciation
            ? 'denounced'
            : context.renewal?.decision === 'not_renew'
              ? 'not_renewed'
              : 'no_renewal_decision',
          null,
        ),
      ),
    ),
  },
}).createMachine({
  id: 'convention',
  context: ({ input }) => input,
  initial: 'drafting',
  states: {
    drafting: {
      on: {
        AMEND: { guard: 'amendDraft', actions: 'amend' },
        SUBMIT_DRAFT: { guard: 'submitDraft', target: 'recruitment', actions: 'submitDraft' },
        ABANDON: { target: 'terminated', actions: 'abandon' },
      },
    },
    recruitment: {
      on: {
        AMEND: { guard: 'amendDraft', actions: 'amend' },
        COMPOSE_SELECTION_COMMITTEE: {
          guard: 'composeSelectionCommittee',
          actions: 'composeSelectionCommittee',
        },
        RECORD_APPLICATIONS: { guard: 'recordApplications', actions: 'recordApplications' },
        RECORD_RECRUITMENT_DECISION: [
          { guard: 'candidateSelected', target: 'signature', actions: 'recordRecruitmentDecision' },
          { guard: 'noSuitableCandidate', actions: 'recordRecruitmentDecision' },
        ],
        ABANDON: { target: 'terminated', actions: 'abandon' },
      },
    },
    signature: {
      on: {
        SIGN: [
          {
            guard: 'signCompletesAfterStart',
            target: 'inForce',
            actions: ['sign', 'signaturesComplete', 'enterFirstTerm'],
          },
          { guard: 'signCompletes', target: 'awaitingStart', actions: ['sign', 'signaturesComplete'] },
          { guard: 'sign', actions: 'sign' },
        ],
        AMEND: { guard: 'amendContacts', actions: 'amend' },
        REOPEN_DRAFTING: { target: 'drafting', actions: 'reopenDrafting' },
        ABANDON: { target: 'terminated', actions: 'abandon' },
      },
    },
    awaitingStart: {
      on: {
        CLOCK: { guard: 'startReached', target: 'inForce', actions: 'enterFirstTerm' },
        AMEND: { guard: 'amendContacts', actions: 'amend' },
        ABANDON: { target: 'terminated', actions: 'abandon' },
      },
    },
    inForce: {
      type: 'parallel',
      on: {
        CLOCK: [
          { guard: 'expiredWithRenewal', target: 'inForce', reenter: true, actions: 'renewTerm' },
          { guard: 'expiredWithOpenLines', target: 'settling', actions: 'endAtExpiry' },
          { guard: 'expired', target: 'terminated', actions: 'endAtExpiry' },
        ],
        AMEND: { guard: 'amendContacts', actions: 'amend' },
        SUBMIT_ACTIVITY_REPORT: { guard: 'submitActivityReport', actions: 'submitActivityReport' },
        SCHEDULE_COMMITTEE: { guard: 'scheduleCommittee', actions: 'scheduleCommittee' },
        RECORD_COMMITTEE_REVIEW: { guard: 'recordCommitteeReview', actions: 'recordCommitteeReview' },
      },
      states: {
        // Funding and post follow the context, so a renewal that re-enters inForce keeps a running
        // suspension or vacancy.
        funding: {
          initial: 'current',
          states: {
            current: {
              always: { guard: 'hasOutstandingNonPayment', target: 'suspended' },
              on: LEDGER_ACTS,
            },
            suspended: {
              always: { guard: 'noOutstandingNonPayment', target: 'current' },
              on: LEDGER_ACTS,
            },
          },
        },
        post: {
          initial: 'filled',
          states: {
            filled: {
              always: { guard: 'postVacant', target: 'vacant' },
              on: { DECLARE_VACANCY: { guard: 'declareVacancy', actions: 'declareVacancy' } },
            },
            vacant: {
              always: { guard: 'postFilled', target: 'filled' },
              on: {
                COMPOSE_SELECTION_COMMITTEE: {
                  guard: 'composeSelectionCommittee',
                  actions: 'composeSelectionCommittee',
                },
                RECORD_APPLICATIONS: { guard: 'recordApplications', actions: 'recordApplications' },
                RECORD_RECRUITMENT_DECISION: {
                  guard: 'recordRecruitmentDecision',
                  actions: 'recordRecruitmentDecision',
                },
              },
            },
          },
        },
        // The term runs until the concertation opens (art. 9). Renewal decisions and a denunciation
        // are facts in the context: they decide what happens at expiry.
        term: {
          initial: 'running',
          states: {
            running: {
              on: {
                CLOCK: { guard: 'concertationReached', target: 'concertation', actions: 'openConcertation' },
                ...END_OF_TERM_ACTS,
              },
            },
            concertation: {
              on: END_OF_TERM_ACTS,
            },
          },
        },
      },
    },
    // Ended (at expiry) with lines of its ledger still owed: they stay actionable, their payers
    // are reminded, and the convention closes when the last one is settled.
    settling: {
      always: { guard: 'allLinesSettled', target: 'terminated', actions: 'closeSettlement' },
      on: { ...LEDGER_ACTS, AMEND: { guard: 'amendContacts', actions: 'amend' } },
    },
    terminated: { type: 'final' },
  },
});

export type ConventionMachine = typeof conventionMachine;
