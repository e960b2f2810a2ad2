{{#*inline "subject"}}Dénonciation de la convention : au plus tard le {{deadline.dateText}}{{/inline}}
{{#*inline "body"}}
{{#para}}
La convention arrive à échéance le {{term.end.dateText}}. Une partie qui souhaite la dénoncer adresse une lettre
recommandée avec accusé de réception au plus tard le {{deadline.dateText}}, trois mois avant la date d’expiration
(article 9). Ce délai n’est pas reporté lorsqu’il tombe un samedi, un dimanche ou un jour férié.
{{/para}}
{{#if (eq renewal "renew")}}
{{#para}}
La reconduction de la convention a été décidée ; une dénonciation y mettrait fin à l’échéance.
{{/para}}
{{/if}}
{{#para}}
Aucune démarche n’est attendue si vous ne souhaitez pas dénoncer la convention. Une lettre de dénonciation envoyée
s’enregistre comme suit.
{{/para}}
{{/inline}}
{{> layout}}
