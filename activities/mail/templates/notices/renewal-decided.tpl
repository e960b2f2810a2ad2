{{#*inline "subject"}}{{#if (eq decision "renew")}}Reconduction de la convention décidée{{else}}Non-reconduction de la convention décidée{{/if}}{{/inline}}
{{#*inline "body"}}
{{#para}}
{{#if (eq decision "renew")}}Les parties ont décidé de reconduire la convention pour trois ans à compter du
{{term.next.dateText}} (article 9).{{else}}Les parties ont décidé de ne pas reconduire la convention : elle prendra
fin le {{term.end.dateText}} (article 9).{{/if}}
{{/para}}
{{/inline}}
{{> layout}}
