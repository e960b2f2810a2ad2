{{#*inline "subject"}}Fin de la convention{{#if on}} le {{on.dateText}}{{/if}}{{/inline}}
{{#*inline "body"}}
{{#para}}
{{#if (eq reason "abandoned")}}Le projet de convention a été abandonné{{#if on}} le {{on.dateText}}{{/if}}.
{{else if (eq reason "denounced")}}La convention, dénoncée, a pris fin à son échéance{{#if on}}, le {{on.dateText}}{{/if}}.
{{else if (eq reason "not_renewed")}}La convention, non reconduite, a pris fin à son échéance{{#if on}}, le {{on.dateText}}{{/if}}.
{{else}}Aucune reconduction n’ayant été décidée, la convention a pris fin à son échéance{{#if on}}, le {{on.dateText}}{{/if}}.{{/if}}
{{/para}}
{{/inline}}
{{> layout}}
