{{#*inline "subject"}}{{#if selected}}Recrutement : un candidat retenu{{else}}Recrutement relancé{{/if}}{{/inline}}
{{#*inline "body"}}
{{#para}}
{{#if selected}}Le comité de sélection a retenu un candidat pour le poste d’intervenant social{{#if startsOn}}, qui
prendra ses fonctions le {{startsOn.dateText}}{{/if}} (article 3).{{else}}Le comité de sélection n’a retenu aucun
candidat : le recrutement est relancé (tour {{round}}).{{/if}}
{{/para}}
{{#if signingOpens}}
{{#para}}
La signature de la convention est ouverte. Doivent la signer : {{#each signatories}}{{#if @index}}{{#if @last}} et {{else}}, {{/if}}{{/if}}{{this}}{{/each}}.
{{/para}}
{{/if}}
{{/inline}}
{{> layout}}
