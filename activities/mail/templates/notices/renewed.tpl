{{#*inline "subject"}}Convention reconduite du {{term.start.dateText}} au {{term.end.dateText}}{{/inline}}
{{#*inline "body"}}
{{#para}}
La convention est reconduite pour une nouvelle période de trois ans (période {{term.number}}), du
{{term.start.dateText}} au {{term.end.dateText}} (article 9).
{{/para}}
{{/inline}}
{{> layout}}
