{{#*inline "subject"}}
{{#if rung.overdue}}Versement non confirmé : {{deadline.label}} (échéance du {{deadline.dateText}}){{else}}Versement attendu le {{deadline.dateText}} : {{deadline.label}}{{/if}}
{{/inline}}
{{#*inline "body"}}
{{#if (eq item.kind "state-participation")}}
{{#para}}
L’État s’est engagé à verser une participation annuelle de {{euros item.plannedAmountEur}} pour l’année
{{item.termYear}} de la convention (article 7), attendue au plus tard le {{deadline.dateText}}.
{{/para}}
{{else}}
{{#para}}
Votre organisme ({{payer}}) s’est engagé à contribuer au financement du poste à hauteur de
{{euros item.plannedAmountEur}} pour l’année {{item.termYear}} de la convention (article 7), versement attendu au
plus tard le {{deadline.dateText}}.
{{/para}}
{{/if}}
{{#if item.paidEur}}
{{#para}}
{{euros item.paidEur}} ont déjà été reçus ; reste dû : {{euros item.remainingEur}}.
{{/para}}
{{/if}}
{{#if rung.overdue}}
{{#para}}
Ce versement n’a pas été confirmé {{rung.businessDays}} jours ouvrés après l’échéance. Le non-versement des crédits
prévus constitue une clause suspensive immédiate de la convention (article 9).
{{/para}}
{{/if}}
{{#if employer}}
{{#para}}
L’employeur de l’intervenant social ({{employer}}) est en copie : le versement peut être confirmé par le financeur
ou par l’employeur à sa réception.
{{/para}}
{{/if}}
{{#if item.nonPaymentNotedOn}}
{{#para}}
Un non-versement a été constaté le {{item.nonPaymentNotedOn}} : la convention reste suspendue jusqu’à
l’enregistrement du paiement.
{{/para}}
{{else if suspendedSince}}
{{#para}}
La convention est suspendue depuis le {{suspendedSince}}.
{{/para}}
{{/if}}
{{#if rung.escalated}}
{{#para}}
La préfecture est mise en copie de cette relance.
{{/para}}
{{/if}}
{{/inline}}
{{> layout}}
