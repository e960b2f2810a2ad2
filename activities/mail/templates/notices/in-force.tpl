{{#*inline "subject"}}La convention a pris effet le {{term.start.dateText}}{{/inline}}
{{#*inline "body"}}
{{#para}}
La convention a pris effet le {{term.start.dateText}}, pour une première période de trois ans s’achevant le
{{term.end.dateText}} (articles 1 et 9). L’intervenant social exerce ses missions dans les locaux du service d’accueil ({{hosts}}).
{{/para}}
{{#para}}
Vous recevrez un rappel avant chaque échéance qui vous concerne : versements (article 7), bilan d’activité et comité
de suivi (article 8), reconduction ou dénonciation (article 9).
{{/para}}
{{/inline}}
{{> layout}}
