{{#*inline "subject"}}
{{#if rung.overdue}}Bilan d’activité de l’année {{termYear}} en retard (attendu le {{deadline.dateText}}){{else}}Bilan d’activité de l’année {{termYear}} attendu le {{deadline.dateText}}{{/if}}
{{/inline}}
{{#*inline "body"}}
{{#para}}
Le bilan d’activité statistique et qualitatif de l’intervenant social pour l’année {{termYear}} de la convention
(du {{year.start.dateText}} au {{year.end.dateText}}) est attendu de l’employeur ({{employer}}) au plus tard le
{{deadline.dateText}}{{#if meeting}}, veille ouvrée du comité de suivi du {{meeting.dateText}}{{/if}}
(articles 2 et 8).
{{/para}}
{{#if rung.overdue}}
{{#para}}
Il n’a pas été remis : le comité de suivi ne peut examiner l’activité de l’année sans ce bilan.
{{/para}}
{{/if}}
{{#para}}
Le bilan ne contient aucune donnée nominative sur les personnes reçues (article 4) : seulement des indicateurs
chiffrés et une analyse qualitative. Une fois le bilan transmis, merci d’en enregistrer la remise.
{{/para}}
{{#if rung.escalated}}
{{#para}}
La préfecture, qui réunit le comité de suivi, est mise en copie de cette relance.
{{/para}}
{{/if}}
{{/inline}}
{{> layout}}
