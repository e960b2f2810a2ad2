{{#*inline "subject"}}Convention soldée et close{{#if closedOn}} le {{closedOn.dateText}}{{/if}}{{/inline}}
{{#*inline "body"}}
{{#para}}
La convention avait pris fin{{#if on}} le {{on.dateText}}{{/if}} avec des échéances de financement restant à
solder. La dernière d’entre elles est désormais soldée{{#if closedOn}} ({{closedOn.dateText}}){{/if}} : la
convention est close et plus aucun rappel ne sera envoyé.
{{/para}}
{{#if writtenOff.length}}
{{#para}}
Échéances closes sans paiement, sur décision de la préfecture :
{{/para}}
{{> list items=writtenOff}}
{{/if}}
{{/inline}}
{{> layout}}
