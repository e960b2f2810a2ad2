{{#*inline "subject"}}Reconduction de la convention à décider avant le {{deadline.dateText}}{{/inline}}
{{#*inline "body"}}
{{#para}}
La convention arrive à échéance le {{term.end.dateText}}. Sa reconduction, par période de trois ans, fait l’objet
d’une concertation entre les parties contractantes et les éventuels nouveaux partenaires (article 9) ; cette
concertation est ouverte depuis le {{term.concertationOpensOn.dateText}}.
{{/para}}
{{#para}}
Sans décision de reconduction enregistrée, la convention prendra fin le {{term.end.dateText}}. Reconduite, elle
courra à compter du {{term.next.dateText}}. Chaque partie peut par ailleurs la dénoncer par lettre recommandée avec
accusé de réception envoyée au plus tard le {{term.noticeDeadline.dateText}}.
{{/para}}
{{#para}}
Les autres parties signataires sont en copie. La préfecture enregistre la décision des parties.
{{/para}}
{{/inline}}
{{> layout}}
