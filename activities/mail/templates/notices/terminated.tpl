{{#*inline "subject"}}Fin de la convention{{#if on}} le {{on.dateText}}{{/if}}{{/inline}}
{{#*inline "body"}}
{{#para}}
{{#if (eq reason "abandoned")}}Le projet de convention a été abandonné{{#if on}} le {{on.dateText}}{{/if}}.
{{else if (eq reason "denounced")}}La convention, dénoncée, a pris fin à son échéance{{#if on}}, le {{on.dateText}}{{/if}}.
{{else if (eq reason "not_renewed")}}La convention, non reconduite, a pris fin à son échéance{{#if on}}, le {{on.dateText}}{{/if}}.
{{else}}Aucune reconduction n’ayant été décidée, la convention a pris fin à son échéance{{#if on}}, le {{on.dateText}}{{/if}}.{{/if}}
{{/para}}
{{#if openLines.length}}
{{#para}}
Des échéances de financement de la convention restent à solder : elle reste ouverte à leur seule fin, et
les financeurs concernés continuent d’être rappelés, jusqu’à ce que chacune soit payée ou close par la
préfecture.
{{/para}}
{{> list items=openLines}}
{{/if}}
{{/inline}}
{{> layout}}
