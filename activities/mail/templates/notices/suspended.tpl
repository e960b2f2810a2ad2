{{#*inline "subject"}}Convention suspendue depuis le {{suspension.from.dateText}} pour non-versement des crédits{{/inline}}
{{#*inline "body"}}
{{#para}}
Un non-versement des crédits prévus a été constaté. Le non-versement des crédits prévus constitue une clause
suspensive immédiate (article 9) : la convention est suspendue depuis le {{suspension.from.dateText}}, jusqu’à
l’enregistrement des paiements attendus.
{{/para}}
{{#para}}
Échéances concernées :
{{/para}}
{{> list items=suspension.items}}
{{/inline}}
{{> layout}}
