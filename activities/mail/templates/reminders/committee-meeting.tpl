{{#*inline "subject"}}Comité de suivi le {{meeting.dateText}} à {{heure meeting.time}}{{/inline}}
{{#*inline "body"}}
{{#para}}
Pour rappel, le comité de suivi de la convention se réunit le {{meeting.dateText}} à {{heure meeting.time}}{{#if meeting.location}},
{{meeting.location}}{{/if}}, pour examiner le bilan d’activité de l’année {{termYear}} (article 8).
{{/para}}
{{#para}}
{{#if reportSubmitted}}Le bilan d’activité a été remis.{{else}}Le bilan d’activité n’a pas encore été remis par
l’employeur.{{/if}} L’invitation de calendrier est jointe à ce message.
{{/para}}
{{/inline}}
{{> layout}}
