{{#*inline "subject"}}Fin de la convention le {{deadline.dateText}}{{/inline}}
{{#*inline "body"}}
{{#para}}
{{#if (eq reason "denounced")}}La convention, dénoncée par {{denouncedBy}}, prendra fin le {{deadline.dateText}}.
{{else}}Les parties ont décidé de ne pas reconduire la convention : elle prendra fin le {{deadline.dateText}}.{{/if}}
{{/para}}
{{#para}}
Les engagements de la convention, dont le versement du salaire et des participations, courent jusqu’à cette date.
{{/para}}
{{/inline}}
{{> layout}}
