{{#*inline "subject"}}Information de l’ANISCG : recrutement d’un intervenant social{{/inline}}
{{#*inline "body"}}
{{#para}}
L’autorité fonctionnelle ({{functional}}) informe l’Association nationale d’intervention sociale en commissariat et
gendarmerie (ANISCG) du recrutement d’un intervenant social ({{#if (eq reason "creation")}}création du
poste{{else}}poste vacant{{/if}}), conformément à l’article 3 de la convention. L’ANISCG peut apporter son expertise
au comité de sélection.
{{/para}}
{{/inline}}
{{> layout}}
