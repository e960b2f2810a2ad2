{{#*inline "subject"}}Comité de suivi de l’année {{termYear}} à réunir avant le {{deadline.dateText}}{{/inline}}
{{#*inline "body"}}
{{#para}}
Le comité de suivi examine chaque année le bilan d’activité de l’intervenant social (article 8). Aucune réunion
n’est encore fixée pour l’année {{termYear}} de la convention, qui s’achève le {{year.end.dateText}}.
{{/para}}
{{#para}}
Membres du comité : {{members}}. Dès que la date est fixée, chaque membre reçoit sa convocation avec une invitation
de calendrier.
{{/para}}
{{/inline}}
{{> layout}}
