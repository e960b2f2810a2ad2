{{#*inline "subject"}}Reconduction : la concertation est ouverte (échéance le {{term.end.dateText}}){{/inline}}
{{#*inline "body"}}
{{#para}}
La convention arrive à échéance le {{term.end.dateText}}. La concertation entre les parties contractantes et les
éventuels nouveaux partenaires sur sa reconduction, par période de trois ans, est ouverte (article 9).
{{/para}}
{{#para}}
Sans décision de reconduction, la convention prendra fin à son échéance. Chaque partie peut la dénoncer par lettre
recommandée avec accusé de réception envoyée au plus tard le {{term.noticeDeadline.dateText}}.
{{/para}}
{{/inline}}
{{> layout}}
