{{#*inline "subject"}}Poste d’intervenant social vacant{{#if vacantFrom}} à compter du {{vacantFrom.dateText}}{{/if}}{{/inline}}
{{#*inline "body"}}
{{#para}}
Le poste d’intervenant social est vacant{{#if vacantFrom}} à compter du {{vacantFrom.dateText}}{{/if}}. Les salaires
ne sont pas dus pendant la vacance ; un nouveau recrutement est ouvert (article 3).
{{/para}}
{{/inline}}
{{> layout}}
