{{#*inline "subject"}}Fin de la suspension de la convention{{/inline}}
{{#*inline "body"}}
{{#para}}
Les paiements attendus ont été enregistrés : la suspension de la convention, commencée le
{{suspension.from.dateText}}, a pris fin le {{suspension.to.dateText}}.
{{/para}}
{{/inline}}
{{> layout}}
