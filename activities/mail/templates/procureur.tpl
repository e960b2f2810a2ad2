{{#*inline "subject"}}Bilan d’activité de l’année {{termYear}} et préconisations du comité de suivi{{/inline}}
{{#*inline "body"}}
{{#para}}
Conformément à l’article 8 de la convention, le bilan d’activité de l’intervenant social pour l’année {{termYear}}
{{#if report}}(référence {{report.documentRef}}, remis le {{report.submittedOn.dateText}}){{/if}} et les observations du
comité de suivi{{#if heldOn}}, réuni le {{heldOn.dateText}}{{/if}}, sont communiqués au procureur de la République.
{{/para}}
{{#if report.statistics.length}}
{{#para}}
Indicateurs du bilan :
{{/para}}
{{> statistics}}
{{/if}}
{{#if recommendations.length}}
{{#para}}
Préconisations du comité :
{{/para}}
{{> list items=recommendations}}
{{else}}
{{#para}}
Le comité n’a pas formulé de préconisation.
{{/para}}
{{/if}}
{{/inline}}
{{> layout}}
