{{#*inline "subject"}}Convocation au comité de suivi du {{meeting.dateText}} à {{heure meeting.time}}{{/inline}}
{{#*inline "body"}}
{{#para}}
Le comité de suivi de la convention est convoqué le {{meeting.dateText}} à {{heure meeting.time}}{{#if meeting.location}},
{{meeting.location}}{{/if}}, pour examiner le bilan d’activité de l’année {{termYear}} de l’intervenant social
et formuler, le cas échéant, des préconisations (article 8).
{{/para}}
{{#para}}
{{#if reportSubmitted}}Le bilan d’activité a été remis.{{else}}Le bilan d’activité est attendu de l’employeur au
plus tard la veille ouvrée de la réunion.{{/if}} L’invitation de calendrier est jointe à ce message.
{{/para}}
{{/inline}}
{{> layout}}
