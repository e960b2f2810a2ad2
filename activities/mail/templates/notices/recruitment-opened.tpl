{{#*inline "subject"}}Ouverture du recrutement de l’intervenant social{{/inline}}
{{#*inline "body"}}
{{#para}}
Le recrutement de l’intervenant social est ouvert. Il est réalisé par un comité de sélection composé au minimum
d’un représentant de l’autorité hiérarchique et d’un représentant de l’autorité fonctionnelle, après analyse des
candidatures (article 3).
{{/para}}
{{/inline}}
{{> layout}}
