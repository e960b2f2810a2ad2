{{#*inline "subject"}}Prise d’effet de la convention le {{deadline.dateText}}{{/inline}}
{{#*inline "body"}}
{{#para}}
La convention, signée par toutes les parties, prend effet le {{deadline.dateText}} pour une première période
s’achevant le {{endDate.dateText}}.
{{/para}}
{{#para}}
À cette date, l’intervenant social prend ses fonctions dans les locaux du service d’accueil ({{hosts}}), qui
s’engage à lui fournir un bureau dédié garantissant la confidentialité, un téléphone, un ordinateur et le matériel
administratif nécessaire (article 6).
{{/para}}
{{#para}}
Ce message est un rappel : aucune démarche n’est attendue dans le suivi des conventions.
{{/para}}
{{/inline}}
{{> layout}}
