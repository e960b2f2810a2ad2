{{#*inline "subject"}}Signature de la convention attendue de {{party.organisation}} (prise d’effet le {{deadline.dateText}}){{/inline}}
{{#*inline "body"}}
{{#para}}
La convention de partenariat relative à l’intervenant social en commissariat et gendarmerie ({{title}}) est
ouverte à la signature depuis le {{openedOn.dateText}}. La signature de votre organisme, {{party.organisation}},
n’est pas encore enregistrée.
{{/para}}
{{#para}}
La convention doit prendre effet le {{deadline.dateText}} (article 1) ; elle n’entre en vigueur qu’une fois signée
par toutes les parties. Signatures attendues : {{pending}}.
{{/para}}
{{#if rung.escalated}}
{{#para}}
La préfecture est mise en copie de ce rappel : la signature est attendue depuis {{rung.businessDays}} jours ouvrés.
{{/para}}
{{/if}}
{{#para}}
Dès que votre représentant ({{party.title}}) a signé, merci d’enregistrer la signature.
{{/para}}
{{/inline}}
{{> layout}}
