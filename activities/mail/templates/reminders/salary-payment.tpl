{{#*inline "subject"}}
{{#if rung.overdue}}Salaire de {{item.month}} non confirmé (échéance du {{deadline.dateText}}){{else}}Salaire de {{item.month}} à verser le {{deadline.dateText}}{{/if}}
{{/inline}}
{{#*inline "body"}}
{{#if rung.overdue}}
{{#para}}
Le versement du salaire de l’intervenant social pour {{item.month}}, dû par l’employeur ({{payer}}) le
{{deadline.dateText}}, n’a pas été confirmé ({{rung.businessDays}} jours ouvrés après l’échéance).
{{/para}}
{{#para}}
Le non-versement des crédits prévus constitue une clause suspensive immédiate de la convention (article 9). Si le
salaire a été versé, merci de confirmer le versement sans attendre.
{{/para}}
{{else}}
{{#para}}
L’employeur de l’intervenant social ({{payer}}) s’est engagé à verser son salaire de {{item.month}} le
{{deadline.dateText}} (article 7 de la convention).
{{/para}}
{{#para}}
Une fois le salaire versé, merci de confirmer le versement.
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
